// What a rule reports. The shape is part of the JSON contract
// (check-output.schema.json): fields may be added, never renamed.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: string;
  severity: Severity;
  /** `[rule-id] detail`: one paragraph for a person, with names, keys and the fix. */
  message: string;
  /** A short reason that does not change from pod to pod. */
  reason: string;
  /** What to change. */
  fix: string;
  containers: string[];
  volume?: string;
  /** True when the finding rests on behaviour inferred from code, not seen running (MODEL.md). */
  inferred: boolean;
  /** Where the rule is explained. */
  docs: string;
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
