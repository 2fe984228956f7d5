// Properties over random pods: the variants' defining behaviour holds for
// every combination of hints, containers and mounts, checked against an
// oracle written straight from MODEL.md's tables.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { analyzePod } from '../../src/gvisor/analyze.js';
import type { Container, PodInput } from '../../src/gvisor/pod.js';
import { parseConfig, resolveSettings } from '../../src/policy/config.js';
import { evaluatePod } from '../../src/policy/evaluate.js';

const VOLUMES = ['v1', 'v2', 'v3'];
const PATHS = ['/a', '/bb', '/data', '/work/x', '/cache'];

const mountArb = fc.record({
  name: fc.constantFrom(...VOLUMES),
  mountPath: fc.constantFrom(...PATHS),
  subPath: fc.option(fc.constant('sub'), { nil: undefined, freq: 5 }),
  readOnly: fc.option(fc.boolean(), { nil: undefined }),
});

const containerArb = (role: 'app' | 'sidecar' | 'init') =>
  fc.uniqueArray(mountArb, { maxLength: 3, selector: (m) => m.mountPath }).map(
    (volumeMounts): Omit<Container, 'name'> => ({
      volumeMounts: volumeMounts.map(
        (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as never,
      ),
      ...(role === 'sidecar' ? { restartPolicy: 'Always' } : {}),
    }),
  );

const hintArb = fc.record({
  type: fc.constantFrom('bind', 'tmpfs', undefined),
  share: fc.constantFrom('pod', 'container', 'shared', undefined),
  forceShared: fc.boolean(),
});

function podArb(options: { regularInit: boolean }): fc.Arbitrary<PodInput> {
  return fc
    .record({
      apps: fc.array(containerArb('app'), { minLength: 1, maxLength: 4 }),
      sidecars: fc.array(containerArb('sidecar'), { maxLength: 2 }),
      inits: fc.array(containerArb('init'), { maxLength: options.regularInit ? 2 : 0 }),
      hints: fc.array(hintArb, { minLength: VOLUMES.length, maxLength: VOLUMES.length }),
    })
    .map(({ apps, sidecars, inits, hints }) => {
      const annotations: Record<string, string> = {};
      hints.forEach((hint, index) => {
        const volume = VOLUMES[index];
        if (hint.type) annotations[`dev.gvisor.spec.mount.${volume}.type`] = hint.type;
        if (hint.share) annotations[`dev.gvisor.spec.mount.${volume}.share`] = hint.share;
        if (hint.forceShared) annotations[`dev.gvisor.empty-dir.${volume}.force-shared`] = 'true';
      });
      return {
        annotations,
        spec: {
          initContainers: [
            ...inits.map((c, i) => ({ ...c, name: `init${i}` })),
            ...sidecars.map((c, i) => ({ ...c, name: `side${i}` })),
          ],
          containers: apps.map((c, i) => ({ ...c, name: `app${i}` })),
          volumes: VOLUMES.map((name) => ({ name, emptyDir: {} })),
        },
      };
    });
}

/** MODEL.md section 4: a pod hint type bind with share pod/container, not force-shared, is a shared disk-backed tmpfs. */
function isSharedDiskTmpfs(pod: PodInput, volume: string): boolean {
  const a = pod.annotations;
  return (
    a[`dev.gvisor.spec.mount.${volume}.type`] === 'bind' &&
    ['pod', 'container'].includes(a[`dev.gvisor.spec.mount.${volume}.share`] ?? '') &&
    a[`dev.gvisor.empty-dir.${volume}.force-shared`] !== 'true'
  );
}

/** Mounts of the volume directory itself (no subPath) in containers that are in the checkpoint. */
function restoringMounts(pod: PodInput, volume: string): number {
  const containers = [
    ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ...pod.spec.containers,
  ];
  return containers.flatMap((c) => c.volumeMounts ?? []).filter((m) => m.name === volume && !m.subPath)
    .length;
}

const settings = (runsc: string) => resolveSettings(parseConfig({}), { runsc, assumeRestore: true });

describe('model properties', () => {
  it('pod-global never fails to restore a pod that starts', () => {
    fc.assert(
      fc.property(podArb({ regularInit: true }), (pod) => {
        const analysis = analyzePod(pod, { variant: 'pod-global' });
        return analysis.startFailures.length > 0 || analysis.simulation.error === null;
      }),
      { numRuns: 500 },
    );
  });

  it('pod-global never reports a duplicate', () => {
    fc.assert(
      fc.property(podArb({ regularInit: true }), (pod) => {
        const findings = evaluatePod(
          { ...pod, spec: { ...pod.spec, runtimeClassName: 'gvisor' } },
          settings('pod-global'),
        ).findings;
        return !findings.some((finding) => finding.rule === 'shared-overlay-duplicate');
      }),
      { numRuns: 300 },
    );
  });

  it('pre-fix reports a duplicate exactly when a shared disk-backed tmpfs is mounted more than once', () => {
    fc.assert(
      fc.property(podArb({ regularInit: false }), (pod) => {
        const gvisorPod = { ...pod, spec: { ...pod.spec, runtimeClassName: 'gvisor' } };
        const evaluation = evaluatePod(gvisorPod, settings('pre-fix'));
        const reported = new Set(
          evaluation.findings.filter((f) => f.rule === 'shared-overlay-duplicate').map((f) => f.volume),
        );
        const expected = new Set(
          VOLUMES.filter((v) => isSharedDiskTmpfs(pod, v) && restoringMounts(pod, v) > 1),
        );
        expect(reported).toEqual(expected);
        if (expected.size > 0 && (evaluation.analysis?.startFailures.length ?? 0) === 0) {
          expect(evaluation.analysis?.simulation.error).toMatch(
            /^inconsistent private memory files on restore/,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fixed restores every pod without regular init containers, restored as it was checkpointed', () => {
    fc.assert(
      fc.property(podArb({ regularInit: false }), (pod) => {
        const analysis = analyzePod(pod, { variant: 'fixed' });
        return analysis.startFailures.length > 0 || analysis.simulation.error === null;
      }),
      { numRuns: 500 },
    );
  });
});
