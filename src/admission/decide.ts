// AdmissionReview request -> decision. Knows the wire format and the modes;
// what the findings are is the policy layer's business.

import type { EvaluationCache } from '../policy/cache.js';
import type { Config, EvaluationSettings, Mode } from '../policy/config.js';
import { type Evaluation, evaluatePod, judgedPart } from '../policy/evaluate.js';
import type { Finding, Severity } from '../policy/finding.js';
import { type ExtractedPod, extractPods, isJudgedKind, ObjectError } from './objects.js';
import { allowed, complete, denied, errored, withAuditAnnotations, withWarnings } from './responses.js';
import type { AdmissionRequest, AdmissionReviewIn, AdmissionReviewOut } from './review.js';
import { limitWarnings, sanitize, warningFor } from './warnings.js';

export interface WebhookPolicy {
  settings: EvaluationSettings;
  modes: Config['modes'];
  exemptions: Config['exemptions'];
}

export type Outcome = 'denied' | 'warned' | 'allowed' | 'audited' | 'skipped' | 'bad-request';

export interface Decision {
  review: AdmissionReviewOut;
  outcome: Outcome;
  /** Why, in a few words, for the log. */
  reason: string;
  operation: string;
  kind: string;
  namespace: string | null;
  name: string;
  dryRun: boolean;
  mode?: Mode;
  findings: Finding[];
  /** The findings counted by rule and severity. */
  counts: RuleCount[];
  evaluation?: Evaluation;
}

const JUDGED_SUBRESOURCES = new Set(['', 'ephemeralcontainers']);

/** An UPDATE is judged again only when it touches what an evaluation reads (see judgedPart). */
function sameJudgedPart(newPod: ExtractedPod, oldObject: unknown): boolean {
  try {
    const [oldPod] = extractPods(oldObject);
    return oldPod !== undefined && judgedPart(oldPod.pod) === judgedPart(newPod.pod);
  } catch {
    return false; // an old object we cannot read: judge the new one
  }
}

function withKind(object: unknown, kind: string): unknown {
  if (typeof object === 'object' && object !== null && !('kind' in object)) return { ...object, kind };
  return object;
}

/** How many findings one rule reported at one severity. */
export interface RuleCount {
  rule: string;
  severity: Severity;
  count: number;
}

/**
 * What every answer built from one evaluation shares, worked out once per
 * evaluation: cached evaluations come back often (every replica, every retry),
 * and sanitizing messages is kilobytes of regular-expression work.
 */
interface Prepared {
  /** The error findings: any of them denies in enforce mode. */
  errors: Finding[];
  /** One warning per error or warning finding (info findings are not shown). */
  warnings: string[];
  /** Findings by rule and severity: for metrics, the log line and audit annotations. */
  counts: RuleCount[];
  /** The counts as the `findings` audit annotation, e.g. `shared-overlay-duplicate:error,rule:warningx2`. */
  countsText: string;
  /** The runsc error the model predicts, sanitized for an audit annotation. */
  runscError?: string;
  /** The error findings' messages, sanitized, for a deny message; made when first needed. */
  denial?: string;
}

const prepared = new WeakMap<Evaluation, Prepared>();

function countByRule(findings: Finding[]): RuleCount[] {
  const counts = new Map<string, RuleCount>();
  for (const { rule, severity } of findings) {
    const key = `${rule}:${severity}`;
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { rule, severity, count: 1 });
  }
  return [...counts.values()];
}

function prepare(evaluation: Evaluation): Prepared {
  let entry = prepared.get(evaluation);
  if (!entry) {
    const { findings, analysis } = evaluation;
    const visible = findings.filter((finding) => finding.severity !== 'info');
    const counts = countByRule(findings);
    const error = analysis?.startFailures[0]?.text ?? analysis?.simulation.error;
    entry = {
      errors: findings.filter((finding) => finding.severity === 'error'),
      warnings: limitWarnings(visible.map((finding) => warningFor(finding))),
      counts,
      // One entry per rule and severity, with a count: bounded by the number of rules.
      countsText: counts
        .map(({ rule, severity, count }) => `${rule}:${severity}${count > 1 ? `x${count}` : ''}`)
        .join(','),
      ...(error ? { runscError: sanitize(error, 1024) } : {}),
    };
    prepared.set(evaluation, entry);
  }
  return entry;
}

function auditAnnotations(
  { counts, countsText, runscError }: Prepared,
  outcome: Outcome,
): Record<string, string> {
  if (counts.length === 0) return {};
  return { decision: outcome, findings: countsText, ...(runscError ? { 'runsc-error': runscError } : {}) };
}

function denyMessage(extracted: ExtractedPod, evaluation: Evaluation, entry: Prepared): string {
  entry.denial ??= sanitize(entry.errors.map((finding) => finding.message).join(' '), 30 * 1024);
  const where = extracted.namespace ? `${extracted.namespace}/${extracted.name}` : extracted.name;
  const started = (evaluation.analysis?.startFailures.length ?? 0) > 0;
  const what = started ? 'would never start' : 'would fail to restore';
  const runsc = evaluation.release ?? `runsc ${evaluation.runsc}`;
  return `${sanitize(`${extracted.kind} ${where} ${what} on its nodes (${runsc}):`, 1024)} ${entry.denial}`;
}

export function decide(review: AdmissionReviewIn, policy: WebhookPolicy, cache?: EvaluationCache): Decision {
  const { request, apiVersion } = review;
  const base = {
    operation: request.operation,
    kind: request.kind.kind,
    namespace: request.namespace ?? null,
    name: request.name ?? '',
    dryRun: request.dryRun === true,
    findings: [] as Finding[],
    counts: [] as RuleCount[],
  };
  const finish = (
    draft: Parameters<typeof complete>[0],
    outcome: Outcome,
    reason: string,
    extra: Partial<Decision> = {},
  ) => ({
    ...base,
    ...extra,
    review: complete(draft, request.uid, apiVersion),
    outcome,
    reason,
  });

  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') {
    return finish(allowed(), 'skipped', `${request.operation} is never judged`);
  }
  const skip = exemption(request, policy);
  if (skip) return finish(allowed(), 'skipped', skip);
  if (!isJudgedKind(base.kind) || !JUDGED_SUBRESOURCES.has(request.subResource ?? '')) {
    const what = request.subResource ? `${base.kind}/${request.subResource}` : base.kind;
    return finish(allowed(), 'skipped', `${what} is not a kind restore-guard judges`);
  }
  if (request.object === null || request.object === undefined) {
    return finish(
      errored(400, `request.object is missing for ${request.operation}`),
      'bad-request',
      'no object',
    );
  }

  let extracted: ExtractedPod | undefined;
  try {
    [extracted] = extractPods(withKind(request.object, base.kind), base.namespace);
  } catch (error) {
    if (!(error instanceof ObjectError)) throw error;
    return finish(errored(400, `${base.kind}: ${error.message}`), 'bad-request', error.message);
  }
  if (!extracted) return finish(allowed(), 'skipped', 'no pod spec');
  const named = { name: extracted.name || base.name, namespace: extracted.namespace };

  if (request.operation === 'UPDATE' && sameJudgedPart(extracted, withKind(request.oldObject, base.kind))) {
    return finish(allowed(), 'skipped', 'pod spec and gVisor annotations unchanged', named);
  }
  const runtimeClass = extracted.pod.spec.runtimeClassName;
  if (!runtimeClass || !policy.settings.runtimeClasses.has(runtimeClass)) {
    return finish(allowed(), 'skipped', 'not a gVisor pod', named);
  }

  const evaluation = cache
    ? cache.evaluate(extracted.pod, policy.settings)
    : evaluatePod(extracted.pod, policy.settings);
  const objectClass = base.kind === 'Pod' ? (evaluation.restore ? 'restorePods' : 'pods') : 'templates';
  const mode = policy.modes[objectClass];
  const context = { ...named, mode, evaluation };
  if (mode === 'off') return finish(allowed(), 'skipped', `mode off for ${objectClass}`, context);

  const findings = evaluation.findings;
  const answer = prepare(evaluation);
  const { warnings, counts } = answer;
  const withFindings = { ...context, findings, counts };

  if (mode === 'audit') {
    const outcome: Outcome = 'audited';
    return finish(
      withAuditAnnotations(allowed(), auditAnnotations(answer, outcome)),
      outcome,
      'audit mode',
      withFindings,
    );
  }
  if (mode === 'enforce' && answer.errors.length > 0) {
    const outcome: Outcome = 'denied';
    const draft = withWarnings(denied(denyMessage(extracted, evaluation, answer)), warnings);
    return finish(
      withAuditAnnotations(draft, auditAnnotations(answer, outcome)),
      outcome,
      'error findings',
      withFindings,
    );
  }
  const outcome: Outcome = warnings.length > 0 ? 'warned' : 'allowed';
  const draft = withWarnings(allowed(), warnings);
  return finish(
    withAuditAnnotations(draft, auditAnnotations(answer, outcome)),
    outcome,
    `${mode} mode`,
    withFindings,
  );
}

function exemption(request: AdmissionRequest, policy: WebhookPolicy): string | undefined {
  const { namespaces, users, groups } = policy.exemptions;
  if (request.namespace && namespaces.includes(request.namespace))
    return `namespace ${request.namespace} is exempt`;
  const username = request.userInfo?.username;
  if (username && users.includes(username)) return `user ${username} is exempt`;
  const group = request.userInfo?.groups?.find((candidate) => groups.includes(candidate));
  return group ? `group ${group} is exempt` : undefined;
}
