// Small named builders for admission responses, and one `complete` step that
// sets the uid, apiVersion and kind, so no handler can forget them.

import type { AdmissionResponse, AdmissionReviewOut, AdmissionVersion } from './review.js';

type Draft = Omit<AdmissionResponse, 'uid'>;

export function allowed(): Draft {
  return { allowed: true };
}

/** Denied with 403 Forbidden, so kubectl exits non-zero. */
export function denied(message: string): Draft {
  return { allowed: false, status: { code: 403, reason: 'Forbidden', message } };
}

/**
 * The webhook could not decide: 400 for a request it cannot make sense of,
 * 500 for its own failure. The apiserver then applies failurePolicy.
 */
export function errored(code: 400 | 500, message: string): Draft {
  return { allowed: false, status: { code, reason: code === 400 ? 'BadRequest' : 'InternalError', message } };
}

export function withWarnings(draft: Draft, warnings: string[]): Draft {
  return warnings.length > 0 ? { ...draft, warnings } : draft;
}

export function withAuditAnnotations(draft: Draft, annotations: Record<string, string>): Draft {
  return Object.keys(annotations).length > 0 ? { ...draft, auditAnnotations: annotations } : draft;
}

export function complete(draft: Draft, uid: string, apiVersion: AdmissionVersion): AdmissionReviewOut {
  return { apiVersion, kind: 'AdmissionReview', response: { uid, ...draft } };
}
