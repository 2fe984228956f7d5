// One pod (or pod template) -> findings. Knows nothing of files or HTTP.

import { analyzePod, type PodAnalysis } from '../gvisor/analyze.js';
import type { PodInput } from '../gvisor/pod.js';
import type { RunscVariant } from '../gvisor/variants.js';
import type { EvaluationSettings } from './config.js';
import { type Finding, SEVERITY_ORDER } from './finding.js';
import { RULES } from './registry.js';
import type { RuleContext } from './rule.js';

export interface Evaluation {
  /** The pod runs on a gVisor RuntimeClass, so the model was run. */
  gvisor: boolean;
  restore: boolean;
  runtimeClass: string | null;
  runsc: RunscVariant;
  release?: string;
  analysis?: PodAnalysis;
  findings: Finding[];
}

/** Findings list errors first, then by the registry's order. */
const RULE_ORDER = new Map(RULES.map((rule, index) => [rule.id, index]));

/**
 * What an evaluation reads of a pod, besides whether it is a restore: its
 * dev.gvisor.* annotations and its spec, as one string. Equal strings, equal
 * findings. (It throws RangeError on a spec nested too deep to stringify.)
 */
export function judgedPart(pod: PodInput): string {
  const gvisor = Object.keys(pod.annotations)
    .filter((key) => key.startsWith('dev.gvisor.'))
    .sort()
    .map((key) => [key, pod.annotations[key]]);
  return JSON.stringify([gvisor, pod.spec]);
}

export function isRestore(pod: PodInput, settings: EvaluationSettings): boolean {
  return settings.restoreAnnotations.some((key) => Object.hasOwn(pod.annotations, key));
}

export function evaluatePod(
  pod: PodInput,
  settings: EvaluationSettings,
  checkpointed?: PodInput,
): Evaluation {
  const runtimeClass = pod.spec.runtimeClassName ?? null;
  const runtime = runtimeClass === null ? undefined : settings.runtimeClasses.get(runtimeClass);
  const restore = settings.assumeRestore || isRestore(pod, settings);
  const runsc = runtime ?? settings.runtimeClasses.values().next().value ?? { variant: 'pre-fix' as const };
  const analysis = runtime
    ? analyzePod(pod, {
        variant: runtime.variant,
        overlay2: runtime.overlay2,
        ...(checkpointed ? { checkpointed } : {}),
      })
    : undefined;
  const context: RuleContext = { pod, restore, ...(analysis ? { analysis } : {}) };
  const findings = RULES.flatMap((rule) => rule.check(context)).sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (RULE_ORDER.get(a.rule) ?? 0) - (RULE_ORDER.get(b.rule) ?? 0),
  );
  return {
    gvisor: analysis !== undefined,
    restore,
    runtimeClass,
    runsc: runsc.variant,
    ...('release' in runsc && runsc.release ? { release: runsc.release } : {}),
    ...(analysis ? { analysis } : {}),
    findings,
  };
}

/** Nothing would fail to start or restore. */
export function passes(evaluation: Evaluation): boolean {
  return !evaluation.findings.some((finding) => finding.severity === 'error');
}
