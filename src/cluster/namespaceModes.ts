// Per-namespace modes, in the style of Pod Security Admission labels:
//
//   restore-guard.dev/mode: warn            every object class in the namespace
//   restore-guard.dev/restore-pods: enforce one class (also pods, templates)
//
// A class label wins over the mode label, which wins over the configuration.
// Label values cannot hold lists, hence one label per class.

import type { Config, Mode } from '../policy/config.js';

export const MODE_LABEL = 'restore-guard.dev/mode';
export const CLASS_LABELS = {
  restorePods: 'restore-guard.dev/restore-pods',
  pods: 'restore-guard.dev/pods',
  templates: 'restore-guard.dev/templates',
} as const;

const MODES: readonly string[] = ['enforce', 'warn', 'audit', 'off'];

export interface NamespaceModes {
  modes: Config['modes'];
  /** Bad label values, one line each, for the log; the namespace then keeps the configured mode. */
  problems: string[];
}

export function namespaceModes(
  namespace: string,
  labels: Record<string, string> | null | undefined,
  defaults: Config['modes'],
): NamespaceModes {
  const problems: string[] = [];
  const read = (key: string): Mode | undefined => {
    const value = labels?.[key];
    if (value === undefined) return undefined;
    if (MODES.includes(value)) return value as Mode;
    problems.push(
      `namespace ${namespace}: label ${key}="${value}" is not one of ${MODES.join(', ')}; ignoring it`,
    );
    return undefined;
  };
  const all = read(MODE_LABEL);
  const modes = { ...defaults };
  for (const [objectClass, key] of Object.entries(CLASS_LABELS) as [keyof Config['modes'], string][]) {
    modes[objectClass] = read(key) ?? all ?? defaults[objectClass];
  }
  return { modes, problems };
}
