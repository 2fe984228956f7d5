// A rule is plain data: an id, a summary, the severity it reports, and a
// check that turns the model's analysis of one pod into findings.

import type { PodAnalysis } from '../gvisor/analyze.js';
import type { InferenceId } from '../gvisor/inferences.js';
import type { PodInput } from '../gvisor/pod.js';
import type { Finding, Severity } from './finding.js';

export interface RuleContext {
  pod: PodInput;
  /** The model's analysis; absent when the pod does not run on gVisor. */
  analysis?: PodAnalysis;
  /** The object carries a restore annotation (or --assume-restore). */
  restore: boolean;
}

/** A gVisor pod's context: the only kind most rules look at. */
export type AnalysedContext = RuleContext & { analysis: PodAnalysis };

export interface Rule {
  id: string;
  /** 'restore' = error on a restore object, warning on any other. */
  severity: Severity | 'restore';
  summary: string;
  check(context: RuleContext): Finding[];
}

export const DOCS_BASE = 'docs/rules.md';

export interface FindingInput {
  severity: Severity;
  reason: string;
  detail: string;
  fix: string;
  containers?: string[];
  volume?: string;
  inferred?: readonly InferenceId[] | boolean;
}

/** Builds a finding so that every rule words and links it the same way. */
export function makeFinding(rule: Pick<Rule, 'id'>, input: FindingInput): Finding {
  const inferred = typeof input.inferred === 'boolean' ? input.inferred : (input.inferred?.length ?? 0) > 0;
  return {
    rule: rule.id,
    severity: input.severity,
    message: `[${rule.id}] ${input.detail} Fix: ${input.fix}`,
    reason: input.reason,
    fix: input.fix,
    containers: input.containers ?? [],
    ...(input.volume !== undefined ? { volume: input.volume } : {}),
    inferred,
    docs: `${DOCS_BASE}#${rule.id}`,
  };
}

/** Restore failures are errors for a restore object and warnings for any other. */
export function restoreSeverity(context: RuleContext): Severity {
  return context.restore ? 'error' : 'warning';
}

export function analysed(context: RuleContext): context is AnalysedContext {
  return context.analysis !== undefined;
}
