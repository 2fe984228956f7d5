// Plain tests for the bugs the fuzz tests found, each on its shrunk
// counterexample, plus checks that the faster code says what the slow code did.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decide } from '../../src/admission/decide.js';
import { extractPods, MAX_NESTING, ObjectError } from '../../src/admission/objects.js';
import type { AdmissionReviewIn } from '../../src/admission/review.js';
import { limitWarnings, WARNINGS_TOTAL_MAX } from '../../src/admission/warnings.js';
import { InputError } from '../../src/cli/errors.js';
import { MAX_YAML_NESTING, parseDocuments } from '../../src/cli/input.js';
import { MOUNT_HINT_PREFIX, parseMountHints } from '../../src/gvisor/hints.js';
import { firstBySharedHint, type MemoryFileEntry } from '../../src/gvisor/memoryFiles.js';
import type { PodInput } from '../../src/gvisor/pod.js';
import { EvaluationCache } from '../../src/policy/cache.js';
import { describeHint } from '../../src/policy/describe.js';
import { evaluatePod } from '../../src/policy/evaluate.js';
import { policyFrom } from '../server/harness.js';
import { largePod } from './arbitraries.js';

const policy = policyFrom();

function review(object: unknown): AdmissionReviewIn {
  return {
    apiVersion: 'admission.k8s.io/v1',
    request: { uid: 'u', kind: { kind: 'Pod' }, operation: 'CREATE', namespace: 'ns', object },
  };
}

function nest(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = { kind: 'Pod', spec: { containers: [{ name: 'c' }] } };
  for (let level = 0; level < depth; level += 1) value = wrap(value);
  return value;
}

describe('extractPods: nested Lists and AdmissionReviews', () => {
  it('refuses AdmissionReviews nested 5,000 deep with ObjectError (was RangeError, a 500 from the webhook)', () => {
    const object = nest(5000, (inner) => ({ kind: 'AdmissionReview', request: { object: inner } }));
    expect(() => extractPods(object)).toThrow(ObjectError);
    expect(() => extractPods(object)).toThrow(`nested over ${MAX_NESTING} deep`);
  });

  it('refuses Lists nested 2,000 deep with a short message (was a stack overflow wrapped 1,400 times)', () => {
    const object = nest(2000, (inner) => ({ kind: 'List', items: [inner] }));
    expect(() => extractPods(object)).toThrow(ObjectError);
    let message = '';
    try {
      extractPods(object);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('call stack');
    expect(message.length).toBeLessThan(20 * MAX_NESTING);
  });

  it('still reads a List inside an AdmissionReview inside a List', () => {
    const object = {
      kind: 'List',
      items: [
        {
          kind: 'AdmissionReview',
          request: { object: nest(3, (inner) => ({ kind: 'List', items: [inner] })) },
        },
      ],
    };
    expect(extractPods(object)).toHaveLength(1);
  });
});

describe('parseDocuments: YAML that yaml throws on, or that kills Node', () => {
  const messages = (text: string) =>
    parseDocuments('f.yaml', text).map((result) =>
      result instanceof InputError ? result.message : result.index,
    );

  it('reports an alias without an anchor as an InputError (was a ReferenceError out of parseDocuments)', () => {
    expect(messages('*a')).toEqual([
      'f.yaml: document 1: invalid YAML: Unresolved alias (the anchor must be set before the alias): a',
    ]);
  });

  it('reports the billion laughs as an InputError (was a ReferenceError out of parseDocuments)', () => {
    const bomb = ['l0: &l0 "lol"'];
    for (let level = 1; level < 6; level += 1)
      bomb.push(`l${level}: &l${level} [*l${level - 1}, *l${level - 1}]`);
    expect(messages(bomb.join('\n'))).toEqual([
      'f.yaml: document 1: invalid YAML: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('refuses two documents nested 1,000 deep (aborted Node: "RegExpCompiler Allocation failed")', () => {
    const deep = `${'- '.repeat(1000)}x`;
    expect(messages(`a: 1\n---\n${deep}\n---\n${deep}`)).toEqual([
      1,
      `f.yaml: document 2: invalid YAML: collections nested more than ${MAX_YAML_NESTING} deep (line 3, column 516); the rest of the file is not read`,
    ]);
  });

  it('refuses block and flow collections nested 20,000 deep, in several documents (was a RangeError)', () => {
    for (const deep of [`${'- '.repeat(20_000)}x`, `${'['.repeat(20_000)}${']'.repeat(20_000)}`]) {
      const results = parseDocuments('f.yaml', [deep, deep, deep].join('\n---\n'));
      expect(results).toHaveLength(1);
      expect(results[0]).toBeInstanceOf(InputError);
    }
  });

  it(`reads collections nested ${MAX_YAML_NESTING} deep`, () => {
    expect(messages(`${'- '.repeat(MAX_YAML_NESTING)}x`)).toEqual([1]);
    const block = Array.from({ length: MAX_YAML_NESTING }, (_, level) => `${' '.repeat(level)}k:`).join('\n');
    expect(messages(`${block} v`)).toEqual([1]);
  });
});

describe('limitWarnings', () => {
  it('stays within 4096 characters with its "and N more" line (was 4103)', () => {
    const texts = [
      ...Array.from({ length: 15 }, (_, index) => String.fromCharCode(97 + index).repeat(256)),
      'p'.repeat(196),
      'q'.repeat(61),
    ];
    const warnings = limitWarnings(texts);
    expect(warnings.join('').length).toBeLessThanOrEqual(WARNINGS_TOTAL_MAX);
    expect(warnings.at(-1)).toBe('and 2 more restore-guard findings (run restore-guard check for all)');
  });
});

describe('EvaluationCache', () => {
  it('judges a gVisor pod whose spec nests 20,000 deep, uncached (was a RangeError: a 500 from the webhook)', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 20_000; level += 1) deep = [deep];
    const object = {
      kind: 'Pod',
      // Volume sources are kept whole (a volume's kind is its source's name), so the depth reaches the key.
      spec: {
        runtimeClassName: 'gvisor',
        containers: [{ name: 'c' }],
        volumes: [{ name: 'v', configMap: deep }],
      },
    };
    const cache = new EvaluationCache();
    expect(decide(review(object), policy, cache).review).toEqual(decide(review(object), policy).review);
    expect(cache.size).toBe(0);
  });
});

describe('EvaluationCache size', () => {
  /** A gVisor pod whose spec is about `chars` characters of JSON, distinct per `salt`. */
  const podOf = (chars: number, salt: number): PodInput => ({
    annotations: { [`${MOUNT_HINT_PREFIX}v.type`]: 'bind', [`${MOUNT_HINT_PREFIX}v.share`]: 'pod' },
    spec: {
      runtimeClassName: 'gvisor',
      containers: [{ name: `c${salt}`, volumeMounts: [{ name: 'v', mountPath: `/${'x'.repeat(chars)}` }] }],
      volumes: [{ name: 'v', emptyDir: {} }],
    },
  });
  const settings = policy.settings;

  it('keeps the keys of its entries within its budget (370 KB pods took 9.5 MB each, 1,000 of them)', () => {
    const cache = new EvaluationCache(1000, 160 * 1024);
    for (let salt = 0; salt < 100; salt += 1) cache.evaluate(podOf(5000, salt), settings);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.size).toBeLessThanOrEqual(32);
  });

  it('does not keep a spec larger than a sixteenth of its budget, and judges it all the same', () => {
    const cache = new EvaluationCache(1000, 160 * 1024);
    const large = podOf(20_000, 0);
    expect(cache.evaluate(large, settings)).toEqual(evaluatePod(large, settings));
    expect(cache.size).toBe(0);
  });
});

describe('mount hints with one source', () => {
  const sameSource = (count: number) => {
    const annotations: Record<string, string> = {};
    for (let index = 0; index < count; index += 1) {
      for (const [field, value] of [
        ['source', '/s'],
        ['type', 'bind'],
        ['share', 'pod'],
      ]) {
        annotations[`${MOUNT_HINT_PREFIX}m${index}.${field}`] = value as string;
      }
    }
    return annotations;
  };

  it('names each duplicate once, with the first hint of that source', () => {
    expect(parseMountHints(sameSource(3)).fatal.map((diagnostic) => diagnostic.text)).toEqual([
      'mounts "m0" and "m1" have the same mount source "/s"',
      'mounts "m0" and "m2" have the same mount source "/s"',
    ]);
  });

  it('gives 2,999 diagnostics for 3,000 such hints (was 4.5 million: a 366 KB pod ran the webhook out of memory)', () => {
    expect(parseMountHints(sameSource(3000)).fatal).toHaveLength(2999);
  });
});

describe('large pods are judged in time (the webhook dropped the connection past ?timeout=10s)', () => {
  // Each took 10 to 30 seconds before (quadratic rules); now well under one. The limit allows slow machines.
  it.each([
    ['a restore pod of 4,000 shared volumes', largePod(4000, { restore: true })],
    ['4,000 subPath mounts of a hinted volume', largePod(4000, { subPath: true })],
    ['4,000 hints with an ignored field', largePod(4000, { ignored: true })],
  ])('%s', (_name, object) => {
    const started = performance.now();
    const decision = decide(review(object), policy);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(decision.review.response.uid).toBe('u');
  });
});

describe('the faster lookups say what the slow ones did', () => {
  it('describeHint lists exactly the keys with the volume prefix, sorted', () => {
    const key = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('v', 'v.', 'v.w', 'w', '', 'vv', 'v\u0000', 'v\uffff'),
          fc.constantFrom('type', 'share', '', 'x.y'),
        )
        .map(([volume, field]) => `${MOUNT_HINT_PREFIX}${volume}.${field}`),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.string(), { maxKeys: 8 }),
        fc.constantFrom('v', 'v.w', 'w', '', 'vv'),
        (annotations, volume) => {
          const prefix = `${MOUNT_HINT_PREFIX}${volume}.`;
          const fields = Object.keys(annotations)
            .filter((candidate) => candidate.startsWith(prefix))
            .sort()
            .map((candidate) => `${candidate.slice(prefix.length)}=${annotations[candidate]}`);
          const expected = fields.length > 0 ? `${prefix}{${fields.join(', ')}}` : `no ${prefix}* hint`;
          expect(describeHint({ annotations, spec: { containers: [] } }, volume)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('firstBySharedHint gives what find by hint gives', () => {
    const entry = fc.record({
      key: fc.string(),
      sharedHint: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (raw) => {
        const entries = raw.map(
          ({ key, sharedHint }): MemoryFileEntry => ({
            key,
            container: 'c',
            role: 'app',
            path: '/',
            ...(sharedHint ? { sharedHint } : {}),
            inferred: [],
          }),
        );
        const first = firstBySharedHint(entries);
        for (const hint of ['a', 'b', 'c']) {
          expect(first.get(hint)).toBe(entries.find((candidate) => candidate.sharedHint === hint));
        }
      }),
      { numRuns: 200 },
    );
  });
});
