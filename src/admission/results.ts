// The result of judging one object, in the JSON contract shared by `check`
// and `audit` (check-output.schema.json): add fields, never rename.

import type { Evaluation } from '../policy/evaluate.js';
import type { Finding } from '../policy/finding.js';
import type { ExtractedPod } from './objects.js';

export type Verdict = 'not-gvisor' | 'fails-to-start' | 'fails-to-restore' | 'restore-would-fail' | 'ok';

export interface Simulation {
  savedOwners: string[];
  restoreKeys: string[];
  /** The exact text runsc would print (first line), or null. */
  error: string | null;
  /** Where it fails: the pod never starts, or the restore fails. */
  stage: 'start' | 'restore' | null;
  /** The error text rests on behaviour inferred from code, not seen running. */
  inferred: boolean;
}

export interface CheckResult {
  source: string;
  kind: string;
  namespace: string | null;
  name: string;
  restore: boolean;
  runsc: string;
  release?: string;
  runtimeClass: string | null;
  verdict: Verdict;
  simulation: Simulation | null;
  findings: Finding[];
}

export function verdictOf(evaluation: Evaluation): Verdict {
  const analysis = evaluation.analysis;
  if (!analysis) return 'not-gvisor';
  if (analysis.startFailures.length > 0) return 'fails-to-start';
  if (analysis.simulation.error) return evaluation.restore ? 'fails-to-restore' : 'restore-would-fail';
  return 'ok';
}

function simulationOf(evaluation: Evaluation): Simulation | null {
  const analysis = evaluation.analysis;
  if (!analysis) return null;
  const startFailure = analysis.startFailures[0];
  if (startFailure) {
    // A pod that never starts is never checkpointed: nothing is saved or restored.
    return {
      savedOwners: [],
      restoreKeys: [],
      error: startFailure.text,
      stage: 'start',
      inferred: startFailure.inferred.length > 0,
    };
  }
  const { simulation } = analysis;
  return {
    savedOwners: simulation.savedOwners,
    restoreKeys: simulation.restoreKeys,
    error: simulation.error,
    stage: simulation.error ? 'restore' : null,
    inferred: simulation.inferred.length > 0,
  };
}

export function toCheckResult(source: string, extracted: ExtractedPod, evaluation: Evaluation): CheckResult {
  return {
    source,
    kind: extracted.kind,
    namespace: extracted.namespace,
    name: extracted.name,
    restore: evaluation.restore,
    runsc: evaluation.runsc,
    ...(evaluation.release ? { release: evaluation.release } : {}),
    runtimeClass: evaluation.runtimeClass,
    verdict: verdictOf(evaluation),
    simulation: simulationOf(evaluation),
    findings: evaluation.findings,
  };
}
