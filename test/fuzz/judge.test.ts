// The whole pipeline on anything extractPods accepts: judgeObject (the CLI's
// path) and decide (the webhook's), under random settings and policies.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { WebhookPolicy } from '../../src/admission/decide.js';
import { decide } from '../../src/admission/decide.js';
import { judgeObject } from '../../src/admission/judge.js';
import { extractPods, ObjectError } from '../../src/admission/objects.js';
import { parseReview } from '../../src/admission/review.js';
import { limitWarnings } from '../../src/admission/warnings.js';
import type { PodInput } from '../../src/gvisor/pod.js';
import { VARIANTS } from '../../src/gvisor/variants.js';
import { EvaluationCache } from '../../src/policy/cache.js';
import { type EvaluationSettings, parseConfig, resolveSettings } from '../../src/policy/config.js';
import { SEVERITY_ORDER } from '../../src/policy/finding.js';
import {
  admissionReview,
  anyObject,
  deeplyNested,
  modelObject,
  modelPod,
  mutated,
  realObject,
  reviewWithWrongFields,
  wrapPod,
} from './arbitraries.js';
import { expectAnswer, expectValidWarnings, reviewIdentity } from './checks.js';

const RUNSC = [...VARIANTS, 'release-20260803.0', 'release-20260101.4'];
const OVERLAYS = [
  'root:self',
  'all:self',
  'none',
  'root:memory',
  'all:memory',
  'all:dir=/tmp',
  'root:self,size=1g',
];

const config = fc.record({
  runtimeClasses: fc
    .uniqueArray(fc.constantFrom('gvisor', 'runsc', 'gvisor-fixed'), { minLength: 1, maxLength: 3 })
    .chain((names) =>
      fc
        .tuple(
          ...names.map(() =>
            fc.record({ runsc: fc.constantFrom(...RUNSC), overlay2: fc.constantFrom(...OVERLAYS) }),
          ),
        )
        .map((classes) => Object.fromEntries(names.map((name, index) => [name, classes[index]]))),
    ),
  restoreAnnotations: fc.constantFrom(
    ['dev.gvisor.internal.restore.host-image-path', 'dev.gvisor.checkpoint.host-image-path'],
    ['dev.gvisor.spec.mount.v.type'],
    ['toString'],
  ),
  modes: fc.record({
    restorePods: fc.constantFrom('enforce', 'warn', 'audit', 'off'),
    pods: fc.constantFrom('enforce', 'warn', 'audit', 'off'),
    templates: fc.constantFrom('enforce', 'warn', 'audit', 'off'),
  }),
  exemptions: fc.record({
    namespaces: fc.constantFrom([], ['kube-system'], ['ns']),
    users: fc.constantFrom([], ['alice']),
    groups: fc.constantFrom([], ['system:masters']),
  }),
});

const settings: fc.Arbitrary<EvaluationSettings> = fc
  .tuple(config, fc.boolean())
  .map(([document, assumeRestore]) => resolveSettings(parseConfig(document), { assumeRestore }));

/** A few fixed policies, so that the evaluation cache (keyed by the settings object) gets hits across runs. */
const POLICIES: WebhookPolicy[] = fc.sample(config, { numRuns: 8, seed: 42 }).map((document) => {
  const parsed = parseConfig(document);
  return { settings: resolveSettings(parsed), modes: parsed.modes, exemptions: parsed.exemptions };
});
const policy = fc.constantFrom(...POLICIES);

/** Objects extractPods accepts, most of them gVisor pods with hints. */
const accepted = fc
  .oneof(
    { arbitrary: modelObject(), weight: 4 },
    { arbitrary: realObject, weight: 1 },
    { arbitrary: mutated(modelObject()), weight: 3 },
    { arbitrary: mutated(realObject), weight: 2 },
  )
  .filter((object) => {
    try {
      extractPods(object);
      return true;
    } catch (error) {
      if (error instanceof ObjectError) return false;
      throw error;
    }
  });

const checkpointed: fc.Arbitrary<PodInput | undefined> = fc.option(
  modelPod().map((pod) => {
    try {
      return extractPods(wrapPod('Pod', pod))[0]?.pod;
    } catch {
      return undefined;
    }
  }),
  { nil: undefined },
);

describe('judgeObject', () => {
  it('judges every object extractPods accepts, with JSON-serialisable results', () => {
    fc.assert(
      fc.property(accepted, settings, checkpointed, (object, evaluation, before) => {
        const results = judgeObject('fuzz.yaml', object, evaluation, before);
        expect(results.length).toBe(extractPods(object).length);
        const json = JSON.stringify(results);
        expect(JSON.parse(json)).toEqual(results);
        for (const result of results) {
          expect(['not-gvisor', 'fails-to-start', 'fails-to-restore', 'restore-would-fail', 'ok']).toContain(
            result.verdict,
          );
          const severities = result.findings.map((finding) => SEVERITY_ORDER[finding.severity]);
          expect(severities).toEqual([...severities].sort((a, b) => a - b));
          for (const finding of result.findings) {
            expect(typeof finding.message).toBe('string');
            expect(typeof finding.inferred).toBe('boolean');
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('throws only ObjectError for anything else', () => {
    fc.assert(
      fc.property(fc.oneof(anyObject(), deeplyNested(5000)), settings, (object, evaluation) => {
        try {
          JSON.stringify(judgeObject('fuzz.yaml', object, evaluation));
        } catch (error) {
          if (!(error instanceof ObjectError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('decide', () => {
  const review = admissionReview();

  const cache = new EvaluationCache(50);

  it('answers every review it can parse, with the uid, within the wire limits, never by throwing', () => {
    fc.assert(
      fc.property(
        fc.oneof(review, mutated(review, { max: 3 }), reviewWithWrongFields(review)),
        policy,
        (body, webhookPolicy) => {
          const identity = reviewIdentity(body);
          let parsed: ReturnType<typeof parseReview>;
          try {
            parsed = parseReview(body);
          } catch {
            return; // NotAReview or MalformedRequest: parsers.test.ts
          }
          if (!identity) throw new Error('parsed a body that is not an AdmissionReview');
          const decision = decide(parsed, webhookPolicy);
          expectAnswer(JSON.parse(JSON.stringify(decision.review)), identity);
          // The server's evaluation cache never changes an answer, whether it hits or misses.
          expect(decide(parsed, webhookPolicy, cache).review).toEqual(decision.review);
          expect(decide(parsed, webhookPolicy, cache).review).toEqual(decision.review);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers reviews of gVisor pods whose spec nests anything thousands deep, with or without the cache', () => {
    fc.assert(
      fc.property(deeplyNested(20_000), policy, (value, webhookPolicy) => {
        const object = {
          kind: 'Pod',
          spec: { runtimeClassName: 'gvisor', containers: [{ name: 'c', x: value }] },
        };
        const body = {
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: { uid: 'u', kind: { kind: 'Pod' }, operation: 'CREATE', object },
        };
        const identity = { uid: 'u', apiVersion: 'admission.k8s.io/v1' };
        expectAnswer(decide(parseReview(body), webhookPolicy).review, identity);
        expectAnswer(decide(parseReview(body), webhookPolicy, cache).review, identity);
      }),
      { numRuns: 30 },
    );
  });
});

describe('limitWarnings', () => {
  // Lists long enough to be cut, so that the cut itself is checked; built from lengths, which shrink fast.
  const warning = fc.oneof(
    { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom('w', 'é', '\u{1f642}', 'a\u0000', ' \t'))
        .map(([length, piece]) => `${length}:${piece.repeat(length)}`),
      weight: 6,
    },
  );

  it('keeps every warning under 256 characters, printable, and 4096 characters in all', () => {
    fc.assert(
      fc.property(fc.array(warning, { maxLength: 80, size: 'max' }), (texts) => {
        expectValidWarnings(limitWarnings(texts));
      }),
      { numRuns: 300 },
    );
  });
});
