// POST /validate over real HTTPS against the real server, with random and
// mutated bodies: never a 5xx, never a dropped connection; every
// AdmissionReview with a uid answered in kind, everything else a JSON 400.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BODY_LIMIT } from '../../src/server/app.js';
import { type HttpResult, send, startTestServer, type TestServer } from '../server/harness.js';
import {
  admissionReview,
  evilString,
  hugeString,
  isRecord,
  largePod,
  mutated,
  reviewWithWrongFields,
  wrongValue,
} from './arbitraries.js';
import { expectAnswer, reviewIdentity } from './checks.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.shutdown('test done');
});

/** Reports what was sent with a failure; fast-check prints only the (possibly huge) input. */
async function post(text: string): Promise<HttpResult> {
  try {
    return await send(server.port, server.certificate, { body: text });
  } catch (error) {
    throw new Error(`request failed (connection dropped?): ${(error as Error).message}`);
  }
}

async function checkSent(text: string) {
  const { status, json, text: answer } = await post(text);
  expect(status).toBeLessThan(500);
  if (Buffer.byteLength(text) > BODY_LIMIT) {
    expect(status).toBe(413);
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined; // not JSON: a 400 from the parser
  }
  const identity = reviewIdentity(body);
  if (identity) {
    if (status !== 200) throw new Error(`HTTP ${status} for a review with uid ${identity.uid}: ${answer}`);
    expectAnswer(json, identity);
    return;
  }
  if (status !== 400) throw new Error(`HTTP ${status} for a body that is not an AdmissionReview: ${answer}`);
  if (!isRecord(json) || typeof json.error !== 'string')
    throw new Error(`400 without {"error": string}: ${answer}`);
}

// JSON.stringify itself overflows the stack on values nested a few thousand deep: deeper bodies are
// written as text, in the last test.
const review = admissionReview({ hugeMax: 200_000, maxDepth: 400 });

/** Annotations and names far beyond what Kubernetes allows, with control characters inside. */
const hugeValues = fc
  .tuple(review, hugeString(500_000), fc.constantFrom('annotation', 'name', 'container', 'volume'))
  .map(([body, huge, where]) => {
    const text = `x\u0000\u001b[2J\n${huge}`;
    const request = body.request as Record<string, unknown>;
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: where === 'name' ? text : 'p',
        annotations: where === 'annotation' ? { 'dev.gvisor.spec.mount.v.type': text, [text]: 'x' } : {},
      },
      spec: {
        runtimeClassName: 'gvisor',
        containers: [
          { name: where === 'container' ? text : 'c', volumeMounts: [{ name: 'v', mountPath: '/v' }] },
        ],
        volumes: [{ name: where === 'volume' ? text : 'v', emptyDir: {} }],
      },
    };
    return { ...body, request: { ...request, operation: 'CREATE', kind: { kind: 'Pod' }, object } };
  });

const notAReview = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  wrongValue(),
  review.map((body) => ({ ...body, kind: 'AdmissionReviewList' })),
  review.map((body) => ({ ...body, apiVersion: 'admission.k8s.io/v2' })),
  review.map((body) => ({ ...body, request: { ...(body.request as object), uid: '' } })),
  review.map((body) => ({ ...body, request: { ...(body.request as object), uid: 42 } })),
  review.map(({ request: _request, ...body }) => body),
);

describe('POST /validate with random bodies', () => {
  it('answers AdmissionReviews with their uid and apiVersion, 200, allowed, no 500', async () => {
    await fc.assert(
      fc.asyncProperty(review, (body) => checkSent(JSON.stringify(body))),
      { numRuns: 120 },
    );
  });

  it('answers mutated AdmissionReviews (wrong types at every path) without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(review, { max: 4, hugeMax: 200_000, maxDepth: 400 }), (body) =>
        checkSent(JSON.stringify(body) ?? 'undefined'),
      ),
      { numRuns: 150 },
    );
  });

  it('answers AdmissionReviews with wrong types in the fields restore-guard reads without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(reviewWithWrongFields(review, { hugeMax: 200_000, maxDepth: 400 }), (body) =>
        checkSent(JSON.stringify(body) ?? 'undefined'),
      ),
      { numRuns: 120 },
    );
  });

  it('answers huge annotation values, names and control characters with warnings the apiserver shows', async () => {
    await fc.assert(
      fc.asyncProperty(hugeValues, (body) => checkSent(JSON.stringify(body))),
      { numRuns: 30 },
    );
  });

  it('answers anything that is not an AdmissionReview with 400 and a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(notAReview, (body) => checkSent(JSON.stringify(body) ?? 'null')),
      { numRuns: 100 },
    );
  });

  it('answers reviews whose object nests Lists, AdmissionReviews, arrays or objects up to 100,000 deep', async () => {
    const nested = fc
      .tuple(
        fc.integer({ min: 1, max: 100_000 }),
        fc.constantFrom(
          ['{"kind":"List","items":[', ']}'],
          ['{"kind":"AdmissionReview","request":{"object":', '}}'],
          ['[', ']'],
          ['{"a":', '}'],
          ['{"kind":"Pod","spec":{"runtimeClassName":"gvisor","containers":[{"name":"c","x":', '}]}}'],
        ),
        fc.constantFrom('Pod', 'Deployment'),
      )
      .map(([wanted, [open, close], kind]) => {
        const depth = Math.min(wanted, Math.floor(3_000_000 / (open.length + close.length))); // under BODY_LIMIT
        const object = `${open.repeat(depth)}{"kind":"Pod","spec":{"runtimeClassName":"gvisor","containers":[]}}${close.repeat(depth)}`;
        return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"deep-${depth}","kind":{"kind":"${kind}"},"operation":"UPDATE","object":${object},"oldObject":${object}}}`;
      });
    await fc.assert(fc.asyncProperty(nested, checkSent), { numRuns: 20 });
  });

  it('answers text that is not JSON with 400 and a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(evilString(), (text) => checkSent(text)),
      { numRuns: 60 },
    );
  });

  it('answers a 1 MB restore pod of 4,500 shared volumes before ?timeout=10s (the connection was dropped after 18 s)', async () => {
    const body = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'large',
        kind: { kind: 'Pod' },
        operation: 'CREATE',
        object: largePod(4500, { restore: true }),
      },
    });
    const { status, json } = await post(body);
    expect(status).toBe(200);
    expectAnswer(json, { uid: 'large', apiVersion: 'admission.k8s.io/v1' });
    expect(json.response.allowed).toBe(false);
  });
});
