// The AdmissionReview wire format: what the apiserver sends and what it
// accepts back (admission.k8s.io/v1, and v1beta1 answered in kind).

import { z } from 'zod';

export const ADMISSION_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;
export type AdmissionVersion = (typeof ADMISSION_VERSIONS)[number];

const groupVersionKind = z.object({
  group: z.string().nullish(),
  version: z.string().nullish(),
  kind: z.string(),
});

/** Only what restore-guard reads; z.object drops the rest. */
export const admissionRequestSchema = z.object({
  uid: z.string().min(1),
  kind: groupVersionKind,
  resource: z.object({ resource: z.string().nullish() }).nullish(),
  subResource: z.string().nullish(),
  operation: z.string(),
  namespace: z.string().nullish(),
  name: z.string().nullish(),
  object: z.unknown().nullish(),
  oldObject: z.unknown().nullish(),
  dryRun: z.boolean().nullish(),
  userInfo: z.object({ username: z.string().nullish(), groups: z.array(z.string()).nullish() }).nullish(),
});

export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

export interface AdmissionReviewIn {
  apiVersion: AdmissionVersion;
  request: AdmissionRequest;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReviewOut {
  apiVersion: AdmissionVersion;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export class NotAReview extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The request of an AdmissionReview, or NotAReview when the body is not one
 * (HTTP 400). A review whose request is malformed beyond its uid still parses
 * far enough to answer with that uid: see `uidOf`.
 */
export function parseReview(body: unknown): AdmissionReviewIn {
  if (!isRecord(body)) throw new NotAReview('body is not a JSON object');
  if (body.kind !== 'AdmissionReview') throw new NotAReview('kind is not AdmissionReview');
  if (!ADMISSION_VERSIONS.includes(body.apiVersion as AdmissionVersion)) {
    throw new NotAReview(`apiVersion must be one of ${ADMISSION_VERSIONS.join(', ')}`);
  }
  const uid = uidOf(body);
  if (uid === undefined) throw new NotAReview('request.uid is missing');
  const parsed = admissionRequestSchema.safeParse(body.request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedRequest(
      uid,
      body.apiVersion as AdmissionVersion,
      `request.${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return { apiVersion: body.apiVersion as AdmissionVersion, request: parsed.data };
}

/** A review with a uid whose request cannot be judged: answered with status 400 and that uid. */
export class MalformedRequest extends Error {
  constructor(
    readonly uid: string,
    readonly apiVersion: AdmissionVersion,
    message: string,
  ) {
    super(message);
  }
}

export function uidOf(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.request)) return undefined;
  const uid = body.request.uid;
  return typeof uid === 'string' && uid.length > 0 ? uid : undefined;
}
