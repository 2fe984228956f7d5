// The four rules for pods that never start share one shape: each reports the
// model's start failures of some causes, with runsc's own text.

import type { StartFailure, StartFailureCause } from '../../gvisor/startup.js';
import type { Finding } from '../finding.js';
import { analysed, makeFinding, type Rule, type RuleContext } from '../rule.js';

export function startFailureRule(
  id: string,
  summary: string,
  causes: readonly StartFailureCause[],
  explain: (failure: StartFailure, context: RuleContext) => { reason: string; detail: string; fix: string },
): Rule {
  const rule: Rule = {
    id,
    severity: 'error',
    summary,
    check(context): Finding[] {
      if (!analysed(context)) return [];
      return context.analysis.startFailures
        .filter((failure) => causes.includes(failure.cause))
        .map((failure) => {
          const { reason, detail, fix } = explain(failure, context);
          return makeFinding(rule, {
            severity: 'error',
            reason,
            detail: `${detail} The pod never starts: ${failure.containers.length > 0 ? 'runsc' : 'the sandbox'} fails with "${failure.text}".`,
            fix,
            containers: failure.containers,
            ...(failure.volume !== undefined ? { volume: failure.volume } : {}),
            inferred: failure.inferred,
          });
        });
    },
  };
  return rule;
}
