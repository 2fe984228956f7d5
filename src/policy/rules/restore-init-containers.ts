import { quoteList } from '../finding.js';
import { makeFinding, type Rule } from '../rule.js';

export const restoreInitContainers: Rule = {
  id: 'restore-init-containers',
  severity: 'warning',
  summary:
    'A restore pod with regular init containers: the kubelet runs them first, which the checkpoint either still waits for or no longer knows.',
  check(context) {
    if (!context.restore || !context.analysis) return [];
    const regular = (context.pod.spec.initContainers ?? []).filter((init) => init.restartPolicy !== 'Always');
    if (regular.length === 0) return [];
    const names = regular.map((init) => init.name);
    return [
      makeFinding(this, {
        severity: 'warning',
        reason: 'restore pod with regular init containers',
        detail:
          `The restore pod has regular init container(s) ${quoteList(names)}. The kubelet starts them before the app containers, but a checkpoint taken after they exited no longer holds them: ` +
          'restore either waits for containers the kubelet will not start until the init containers finish (a stall), or meets a container the checkpoint does not know.',
        fix: 'remove the init containers from the restore pod (their work is already in the checkpoint), or make them sidecars (restartPolicy: Always) in both pods.',
        containers: names,
        inferred: ['init-container-gone', 'restore-order'],
      }),
    ];
  },
};
