// One Kubernetes object -> one result per pod or pod template in it. Shared
// by the CLI and, later, the audit of a live cluster.

import type { PodInput } from '../gvisor/pod.js';
import type { EvaluationSettings } from '../policy/config.js';
import { evaluatePod } from '../policy/evaluate.js';
import { extractPods } from './objects.js';
import { type CheckResult, toCheckResult } from './results.js';

export function judgeObject(
  source: string,
  object: unknown,
  settings: EvaluationSettings,
  checkpointed?: PodInput,
): CheckResult[] {
  const pods = extractPods(object);
  return pods.map((extracted, index) => {
    const itemSource = pods.length > 1 ? `${source}[${index}]` : source;
    return toCheckResult(itemSource, extracted, evaluatePod(extracted.pod, settings, checkpointed));
  });
}
