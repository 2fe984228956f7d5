// Every parser of untrusted input, fed anything: it returns, or throws only
// its own documented error, never a TypeError or RangeError from inside.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { extractPods, ObjectError } from '../../src/admission/objects.js';
import { ADMISSION_VERSIONS, MalformedRequest, NotAReview, parseReview } from '../../src/admission/review.js';
import { parseMountHints } from '../../src/gvisor/hints.js';
import {
  effectiveOverlay2,
  formatOverlay2,
  parseMedium,
  parseOverlay2,
  parseRootfsHint,
} from '../../src/gvisor/overlay.js';
import { parseRunsc, VARIANTS } from '../../src/gvisor/variants.js';
import { ConfigError, parseConfig, resolveSettings } from '../../src/policy/config.js';
import {
  admissionReview,
  annotations,
  anyObject,
  deeplyNested,
  evilString,
  isRecord,
  modelObject,
  mutated,
  realObject,
  reviewWithWrongFields,
  SPECIAL_STRINGS,
  wrongValue,
} from './arbitraries.js';

/** What threw, for a failure message that says more than "expected false". */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message.slice(0, 300)}` : String(error);
}

function expectOnly(error: unknown, ...allowed: Array<abstract new (...args: never[]) => Error>) {
  if (!allowed.some((type) => error instanceof type)) throw new Error(`unexpected ${describeError(error)}`);
}

const text = evilString();

describe('parseReview', () => {
  const review = fc.record({
    apiVersion: fc.oneof(fc.constantFrom(...ADMISSION_VERSIONS), text),
    kind: fc.oneof(fc.constant('AdmissionReview'), text),
    request: fc.record({
      uid: fc.oneof(fc.constantFrom('u', ''), text),
      kind: fc.record({ group: fc.constant(''), version: fc.constant('v1'), kind: fc.constant('Pod') }),
      operation: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT'),
      namespace: fc.option(text),
      object: anyObject({ hugeMax: 5000 }),
      userInfo: fc.record({ username: text, groups: fc.array(text, { maxLength: 2 }) }),
    }),
  });
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    wrongValue(),
    review,
    mutated(review, { max: 4 }),
    reviewWithWrongFields(admissionReview()),
  );

  it('returns a request with a uid, or throws NotAReview / MalformedRequest (with the uid)', () => {
    fc.assert(
      fc.property(body, (input) => {
        const looksLikeReview =
          isRecord(input) &&
          input.kind === 'AdmissionReview' &&
          ADMISSION_VERSIONS.includes(input.apiVersion as never) &&
          isRecord(input.request) &&
          typeof input.request.uid === 'string' &&
          input.request.uid !== '';
        try {
          const parsed = parseReview(input);
          expect(looksLikeReview).toBe(true);
          expect(typeof parsed.request.uid).toBe('string');
          expect(parsed.request.uid).not.toBe('');
          expect(ADMISSION_VERSIONS).toContain(parsed.apiVersion);
        } catch (error) {
          expectOnly(error, NotAReview, MalformedRequest);
          // NotAReview exactly when there is no AdmissionReview with a uid to answer.
          expect(error instanceof NotAReview).toBe(!looksLikeReview);
          if (error instanceof MalformedRequest) {
            expect(error.uid).toBe((input as { request: { uid: string } }).request.uid);
            expect(typeof error.message).toBe('string');
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('extractPods', () => {
  function check(input: unknown) {
    let pods: ReturnType<typeof extractPods>;
    try {
      pods = extractPods(input, 'fallback');
    } catch (error) {
      expectOnly(error, ObjectError);
      return;
    }
    expect(Array.isArray(pods)).toBe(true);
    for (const pod of pods) {
      expect(typeof pod.kind).toBe('string');
      expect(typeof pod.name).toBe('string');
      expect(Array.isArray(pod.pod.spec.containers)).toBe(true);
      expect(isRecord(pod.pod.annotations)).toBe(true);
      for (const value of Object.values(pod.pod.annotations)) expect(typeof value).toBe('string');
    }
  }

  it('returns pods or throws ObjectError for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5, stringUnit: 'binary' }), check), { numRuns: 300 });
  });

  it('returns pods or throws ObjectError for mutated real objects (Pods, workloads, Lists, AdmissionReviews)', () => {
    fc.assert(fc.property(mutated(realObject, { max: 4 }), check), { numRuns: 500 });
  });

  it('returns pods or throws ObjectError for generated and mutated objects of every judged kind', () => {
    fc.assert(fc.property(fc.oneof(modelObject(), mutated(modelObject(), { max: 4 })), check), {
      numRuns: 400,
    });
  });

  it('returns pods or throws ObjectError for deeply nested Lists, AdmissionReviews, arrays and objects', () => {
    fc.assert(fc.property(deeplyNested(20_000), check), { numRuns: 40 });
  });

  it('accepts every unmutated real object', () => {
    fc.assert(
      fc.property(realObject, (object) => {
        expect(Array.isArray(extractPods(object))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the gVisor annotation parsers never throw', () => {
  const anyAnnotations = fc.oneof(
    annotations(text),
    fc.dictionary(text, text, { maxKeys: 6 }),
    fc.dictionary(fc.constantFrom(...SPECIAL_STRINGS), text, { maxKeys: 6 }),
  );
  const overlayString = fc.oneof(
    text,
    fc
      .tuple(
        fc.constantFrom('root', 'all', 'none', '', 'x'),
        fc.constantFrom(':', '::', ''),
        fc.constantFrom('self', 'memory', '', 'dir=/x', 'dir=x', 'dir='),
        fc.constantFrom('', ',size=1g', ',size=', ',x', ',size=1,size=2'),
      )
      .map((parts) => parts.join('')),
  );

  it('parseMountHints, for any annotation map', () => {
    fc.assert(
      fc.property(anyAnnotations, (input) => {
        const parsed = parseMountHints(input);
        expect(parsed.hints).toBeInstanceOf(Map);
        for (const list of [parsed.fatal, parsed.ignored, parsed.dropped]) {
          for (const diagnostic of list) expect(typeof diagnostic.text).toBe('string');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parseOverlay2 and parseMedium, for any string; what parses prints back to itself', () => {
    fc.assert(
      fc.property(overlayString, (input) => {
        const medium = parseMedium(input);
        expect(typeof medium.ok).toBe('boolean');
        const parsed = parseOverlay2(input);
        if (!parsed.ok) {
          expect(typeof parsed.error).toBe('string');
          return;
        }
        const again = parseOverlay2(formatOverlay2(parsed.value));
        expect(again).toEqual({ ok: true, value: parsed.value });
      }),
      { numRuns: 400 },
    );
  });

  it('effectiveOverlay2, for any runtime setting and annotation map', () => {
    const runtime = fc.constantFrom('root:self', 'all:self', 'none', 'all:memory', 'all:dir=/tmp', 'root:');
    const withOverlay = fc
      .tuple(anyAnnotations, fc.option(overlayString, { nil: undefined }))
      .map(([map, overlay]) =>
        overlay === undefined ? map : { ...map, 'dev.gvisor.flag.overlay2': overlay },
      );
    fc.assert(
      fc.property(runtime, withOverlay, (setting, input) => {
        const parsedRuntime = parseOverlay2(setting);
        if (!parsedRuntime.ok) throw new Error(`bad runtime overlay ${setting}`);
        const result = effectiveOverlay2(parsedRuntime.value, input);
        expect(typeof result.ok).toBe('boolean');
        expect(typeof result.overridden).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });

  it('parseRootfsHint, for any annotation map', () => {
    const rootfs = fc
      .array(
        fc.tuple(
          fc.constantFrom('source', 'type', 'overlay', 'options', 'directfs', '', 'x.y'),
          fc.oneof(
            text,
            fc.constantFrom(
              '/img',
              'erofs',
              'bind',
              'self',
              'memory',
              'dir=/x',
              'size=1g',
              'size=1,x=2',
              'a',
            ),
          ),
        ),
        { maxLength: 5 },
      )
      .map((entries) =>
        Object.fromEntries(entries.map(([field, value]) => [`dev.gvisor.spec.rootfs.${field}`, value])),
      );
    fc.assert(
      fc.property(fc.oneof(anyAnnotations, rootfs), (input) => {
        const result = parseRootfsHint(input);
        if (result.ok)
          expect(result.value === undefined || typeof result.value.source === 'string').toBe(true);
        else expect(typeof result.error).toBe('string');
      }),
      { numRuns: 400 },
    );
  });

  it('parseRunsc, for any string', () => {
    const release = fc
      .tuple(fc.stringMatching(/^\d{0,9}$/), fc.stringMatching(/^\d{0,25}$/))
      .map(([date, patch]) => `release-${date}.${patch}`);
    fc.assert(
      fc.property(fc.oneof(text, release, fc.constantFrom(...VARIANTS)), (input) => {
        const choice = parseRunsc(input);
        if (choice.ok) expect(VARIANTS).toContain(choice.variant);
        else expect(typeof choice.error).toBe('string');
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseConfig', () => {
  const mode = fc.oneof(fc.constantFrom('enforce', 'warn', 'audit', 'off'), text);
  const names = fc.array(fc.oneof(fc.constantFrom('a', 'system:masters', ''), text), { maxLength: 3 });
  const config = fc.record(
    {
      runtimeClasses: fc.dictionary(
        fc.oneof(fc.constantFrom('gvisor', 'runsc', ''), text),
        fc.record(
          {
            runsc: fc.oneof(fc.constantFrom(...VARIANTS, 'release-20260803.0', 'release-1.0'), text),
            overlay2: fc.oneof(fc.constantFrom('root:self', 'all:memory', 'none', 'x'), text),
          },
          { requiredKeys: [] },
        ),
        { maxKeys: 3 },
      ),
      restoreAnnotations: names,
      modes: fc.record({ restorePods: mode, pods: mode, templates: mode }, { requiredKeys: [] }),
      cluster: fc.record({ enabled: fc.boolean(), runscHandlers: names }, { requiredKeys: [] }),
      exemptions: fc.record({ namespaces: names, users: names, groups: names }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );

  it('returns a configuration that resolves to settings, or throws ConfigError, for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), wrongValue(), config, mutated(config)), (input) => {
        let parsed: ReturnType<typeof parseConfig>;
        try {
          parsed = parseConfig(input, 'fuzz.yaml');
        } catch (error) {
          expectOnly(error, ConfigError);
          return;
        }
        const settings = resolveSettings(parsed);
        expect(settings.runtimeClasses.size).toBe(Object.keys(parsed.runtimeClasses).length);
      }),
      { numRuns: 500 },
    );
  });
});
