import { makeFinding, type Rule } from '../rule.js';

export const hintsWithoutGvisor: Rule = {
  id: 'hints-without-gvisor',
  severity: 'info',
  summary:
    'A pod with dev.gvisor.* annotations that does not run on a gVisor RuntimeClass: the annotations do nothing.',
  check(context) {
    if (context.analysis) return [];
    const keys = Object.keys(context.pod.annotations)
      .filter((key) => key.startsWith('dev.gvisor.'))
      .sort();
    if (keys.length === 0) return [];
    const runtimeClass = context.pod.spec.runtimeClassName;
    const shown = keys.slice(0, 3).join(', ') + (keys.length > 3 ? `, and ${keys.length - 3} more` : '');
    return [
      makeFinding(this, {
        severity: 'info',
        reason: 'gVisor annotations on a pod that does not run gVisor',
        detail: `The pod carries gVisor annotations (${shown}) but runs ${runtimeClass ? `with runtimeClassName "${runtimeClass}"` : 'without a runtimeClassName'}, which is not a gVisor RuntimeClass, so they do nothing.`,
        fix: 'set runtimeClassName to a gVisor RuntimeClass, or remove the dev.gvisor.* annotations.',
      }),
    ];
  },
};
