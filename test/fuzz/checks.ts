// What every answer to an AdmissionReview must look like, checked the same way
// for `decide` called directly and for the HTTPS server.
import { expect } from '@jest/globals';
import { ADMISSION_VERSIONS } from '../../src/admission/review.js';
import { WARNING_MAX, WARNINGS_TOTAL_MAX } from '../../src/admission/warnings.js';
import { CONTROL_CHARS, isRecord } from './arbitraries.js';

/** The uid and apiVersion the body must be answered with, or undefined when it is not an AdmissionReview. */
export function reviewIdentity(body: unknown): { uid: string; apiVersion: string } | undefined {
  if (!isRecord(body) || body.kind !== 'AdmissionReview') return undefined;
  if (!ADMISSION_VERSIONS.includes(body.apiVersion as never)) return undefined;
  if (!isRecord(body.request)) return undefined;
  const uid = body.request.uid;
  return typeof uid === 'string' && uid !== '' ? { uid, apiVersion: body.apiVersion as string } : undefined;
}

/** Warnings the apiserver shows: each at most 256 characters, printable, 4096 in all. */
export function expectValidWarnings(warnings: unknown) {
  if (warnings === undefined) return;
  expect(Array.isArray(warnings)).toBe(true);
  let total = 0;
  for (const warning of warnings as unknown[]) {
    expect(typeof warning).toBe('string');
    const length = [...(warning as string)].length;
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThanOrEqual(WARNING_MAX);
    expect(CONTROL_CHARS.test(warning as string)).toBe(false);
    total += length;
  }
  expect(total).toBeLessThanOrEqual(WARNINGS_TOTAL_MAX);
}

/** The AdmissionReview answer to a review with `identity`; never the webhook's own failure (500). */
export function expectAnswer(answer: unknown, identity: { uid: string; apiVersion: string }) {
  if (!isRecord(answer) || !isRecord(answer.response)) throw new Error(`not an AdmissionReview: ${answer}`);
  expect(answer.kind).toBe('AdmissionReview');
  expect(answer.apiVersion).toBe(identity.apiVersion);
  const response = answer.response;
  expect(response.uid).toBe(identity.uid);
  expect(typeof response.allowed).toBe('boolean');
  if (response.allowed === false) {
    if (!isRecord(response.status)) throw new Error('denied without a status');
    expect([400, 403]).toContain(response.status.code);
    expect(typeof response.status.message).toBe('string');
  } else if (response.status !== undefined) {
    throw new Error(`allowed with a status: ${JSON.stringify(response.status)}`);
  }
  expectValidWarnings(response.warnings);
  if (response.auditAnnotations !== undefined) {
    if (!isRecord(response.auditAnnotations)) throw new Error('auditAnnotations is not a map');
    for (const value of Object.values(response.auditAnnotations)) expect(typeof value).toBe('string');
  }
}
