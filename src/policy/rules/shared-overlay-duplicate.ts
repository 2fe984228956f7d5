import { inferencesOf } from '../../gvisor/analyze.js';
import { firstBySharedHint } from '../../gvisor/memoryFiles.js';
import {
  describeHint,
  FIRST_FIXED_RELEASE,
  sharedDiskMounts,
  sharedTmpfsFix,
  uniqueNames,
} from '../describe.js';
import { quoteList } from '../finding.js';
import { analysed, makeFinding, type Rule, restoreSeverity } from '../rule.js';

export const sharedOverlayDuplicate: Rule = {
  id: 'shared-overlay-duplicate',
  severity: 'restore',
  summary:
    'Under runsc before release-20260803.0, a shared disk-backed tmpfs mounted more than once restores one memory file per mount while the checkpoint saved one.',
  check(context) {
    if (!analysed(context) || context.analysis.variant !== 'pre-fix') return [];
    const { analysis } = context;
    const findings = [];
    const savedByHint = firstBySharedHint(analysis.simulation.saved);
    for (const [hintName, mounts] of sharedDiskMounts(analysis)) {
      // Regular init containers are not in the checkpoint and restore nothing.
      const restoring = mounts.filter(({ container }) => container.role !== 'init');
      if (restoring.length < 2) continue;
      const names = uniqueNames(restoring);
      const failing = names.slice(1).length > 0 ? names.slice(1) : names;
      const saved = savedByHint.get(hintName);
      const restoredKeys = restoring.map(({ container, mount }) => `${container.name}:${mount.destination}`);
      const outcome = analysis.simulation.error
        ? `restore fails for ${quoteList(failing)} with "${analysis.simulation.error}"`
        : 'the files of the restore no longer match the checkpoint';
      findings.push(
        makeFinding(this, {
          severity: restoreSeverity(context),
          reason: 'shared disk-backed tmpfs restored once per mount',
          detail:
            `Volume "${hintName}" (${describeHint(context.pod, hintName)}) is one disk-backed tmpfs mounted ${restoring.length} times, by ${quoteList(names)}. ` +
            `The checkpoint saves its memory file once${saved ? ` (${saved.key})` : ''}, but runsc before ${FIRST_FIXED_RELEASE} registers one per mount on restore (${restoredKeys.join(', ')}), ` +
            `so ${context.restore ? '' : 'if this pod is checkpointed and restored, '}${outcome}.`,
          fix: sharedTmpfsFix(context.pod, hintName),
          containers: failing,
          volume: hintName,
          inferred: inferencesOf(restoring.map(({ mount }) => mount)),
        }),
      );
    }
    return findings;
  },
};
