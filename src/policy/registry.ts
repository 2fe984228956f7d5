// Every rule, in the order findings are listed. Adding a rule: one file in
// rules/, one line here, its tests and its section in docs/rules.md.

import type { Rule } from './rule.js';
import { hintIgnored } from './rules/hint-ignored.js';
import { hintIncompatibleOptions } from './rules/hint-incompatible-options.js';
import { hintInvalid } from './rules/hint-invalid.js';
import { hintSubpath } from './rules/hint-subpath.js';
import { hintUnknownVolume } from './rules/hint-unknown-volume.js';
import { hintsWithoutGvisor } from './rules/hints-without-gvisor.js';
import { repeatedSubmount } from './rules/repeated-submount.js';
import { restoreInitContainers } from './rules/restore-init-containers.js';
import { restoreSpecDrift } from './rules/restore-spec-drift.js';
import { sharedOverlayDuplicate } from './rules/shared-overlay-duplicate.js';
import { sharedOverlayOrderDependent } from './rules/shared-overlay-order-dependent.js';
import { sharedOverlayOwnerMismatch } from './rules/shared-overlay-owner-mismatch.js';
import { volumeNotCheckpointed } from './rules/volume-not-checkpointed.js';

export const RULES: readonly Rule[] = [
  hintInvalid,
  hintUnknownVolume,
  repeatedSubmount,
  hintIncompatibleOptions,
  sharedOverlayDuplicate,
  sharedOverlayOwnerMismatch,
  restoreSpecDrift,
  sharedOverlayOrderDependent,
  restoreInitContainers,
  hintIgnored,
  hintSubpath,
  volumeNotCheckpointed,
  hintsWithoutGvisor,
];

/** Ids are unique and shaped like the JSON contract says; checked when the module loads. */
export function checkRegistry(rules: readonly Rule[]): void {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(rule.id)) throw new Error(`rule id "${rule.id}" is not kebab-case`);
    if (seen.has(rule.id)) throw new Error(`rule id "${rule.id}" is registered twice`);
    seen.add(rule.id);
  }
}

checkRegistry(RULES);
