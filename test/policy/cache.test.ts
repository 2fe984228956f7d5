// The evaluation cache gives the same answer as evaluating afresh, and only
// reuses an evaluation for the same spec, gVisor annotations, restore flag and settings.
import { describe, expect, it } from '@jest/globals';
import { extractPods } from '../../src/admission/objects.js';
import { EvaluationCache } from '../../src/policy/cache.js';
import { parseConfig, resolveSettings } from '../../src/policy/config.js';
import { evaluatePod } from '../../src/policy/evaluate.js';
import { loadPod, SEED_RESTORE } from '../helpers.js';
import { loadObject } from '../server/harness.js';

const settings = resolveSettings(parseConfig({}));
const seed = loadPod(SEED_RESTORE);

describe('EvaluationCache', () => {
  it('answers a repeated spec from the cache, with the same evaluation as a fresh one', () => {
    const cache = new EvaluationCache();
    const first = cache.evaluate(seed, settings);
    const again = cache.evaluate(
      { annotations: { ...seed.annotations, unrelated: 'x' }, spec: structuredClone(seed.spec) },
      settings,
    );
    expect(again).toBe(first);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
    expect(JSON.stringify(first.findings)).toBe(JSON.stringify(evaluatePod(seed, settings).findings));
  });

  it('does not reuse across a changed spec, gVisor annotation, restore flag or settings', () => {
    const cache = new EvaluationCache();
    cache.evaluate(seed, settings);
    const notRestore = { ...seed, annotations: { ...seed.annotations } };
    delete notRestore.annotations['dev.gvisor.internal.restore.host-image-path'];
    const variants = [
      { ...seed, spec: { ...seed.spec, containers: seed.spec.containers.slice(0, 1) } },
      { ...seed, annotations: { ...seed.annotations, 'dev.gvisor.spec.mount.workspace.type': 'tmpfs' } },
      notRestore,
    ];
    for (const pod of variants)
      expect(cache.evaluate(pod, settings).findings).toEqual(evaluatePod(pod, settings).findings);
    cache.evaluate(seed, resolveSettings(parseConfig({}), { runsc: 'fixed' }));
    expect(cache.hits).toBe(0);
    expect(cache.misses).toBe(5);
  });

  it('shares one evaluation between pods that differ only in what the model does not read', () => {
    const object = loadObject(SEED_RESTORE) as { spec: { containers: Record<string, unknown>[] } };
    const rolledOut = structuredClone(object);
    for (const container of rolledOut.spec.containers) {
      container.image = 'registry.example.com/other:2.0';
      container.env = [{ name: 'MODE', value: 'fast' }];
      container.resources = { limits: { memory: '1Gi' } };
    }
    const cache = new EvaluationCache();
    const [first, second] = [object, rolledOut].map((pod) => extractPods(pod)[0]?.pod);
    expect(second?.spec.containers[0]).not.toHaveProperty('image');
    expect(cache.evaluate(second as never, settings)).toBe(cache.evaluate(first as never, settings));
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('stays within its capacity, dropping the least recently used', () => {
    const cache = new EvaluationCache(2);
    const pods = [1, 2, 3].map((n) => ({
      ...seed,
      spec: { ...seed.spec, containers: seed.spec.containers.map((c) => ({ ...c, name: `${c.name}-${n}` })) },
    }));
    cache.evaluate(pods[0] as never, settings);
    cache.evaluate(pods[1] as never, settings);
    cache.evaluate(pods[0] as never, settings); // pods[0] is now the most recent
    cache.evaluate(pods[2] as never, settings); // evicts pods[1]
    expect(cache.size).toBe(2);
    cache.evaluate(pods[0] as never, settings);
    expect(cache.hits).toBe(2);
    cache.evaluate(pods[1] as never, settings);
    expect(cache.misses).toBe(4);
  });
});
