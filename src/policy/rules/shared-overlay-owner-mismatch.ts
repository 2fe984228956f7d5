import { inferencesOf } from '../../gvisor/analyze.js';
import { firstBySharedHint } from '../../gvisor/memoryFiles.js';
import { describeHint, sharedTmpfsFix } from '../describe.js';
import { analysed, makeFinding, type Rule, restoreSeverity } from '../rule.js';

export const sharedOverlayOwnerMismatch: Rule = {
  id: 'shared-overlay-owner-mismatch',
  severity: 'restore',
  summary:
    'The container that restores a shared disk-backed tmpfs first is not the one that created it, so its memory file is registered under another key.',
  check(context) {
    if (!analysed(context)) return [];
    const { simulation } = context.analysis;
    const restoredKeys = new Set(simulation.restored.map((entry) => entry.key));
    const restoredByHint = firstBySharedHint(simulation.restored);
    const findings = [];
    for (const saved of simulation.saved) {
      if (!saved.sharedHint || restoredKeys.has(saved.key)) continue;
      const volume = saved.sharedHint;
      const first = restoredByHint.get(volume);
      const created =
        saved.role === 'init'
          ? `regular init container "${saved.container}" (gone by checkpoint time)`
          : `${saved.role === 'sidecar' ? 'sidecar' : 'container'} "${saved.container}"`;
      const restoredBy = first
        ? `the first container to mount it on restore is "${first.container}" at "${first.path}", which registers "${first.key}"`
        : 'no container of the restore pod mounts it';
      const missing = `saved private memory file for "${saved.key}" was not configured on restore`;
      findings.push(
        makeFinding(this, {
          severity: restoreSeverity(context),
          reason: 'shared tmpfs restored under another key than it was saved',
          detail:
            `Volume "${volume}" (${describeHint(context.pod, volume)}) was created by ${created} at "${saved.path}", so the checkpoint saves its memory file as "${saved.key}"; ` +
            `${restoredBy}. ${context.restore ? 'Restore fails' : 'A restore of this pod would fail'} with "${simulation.error ?? missing}".`,
          fix:
            `mount "${volume}" first in the same app container at the same mountPath in the checkpointed and the restore pod (not from a regular init container), ` +
            `and keep container names and order unchanged; or ${sharedTmpfsFix(context.pod, volume).replace(/^run runsc .*?; or /, '')}`,
          containers: [...new Set([saved.container, ...(first ? [first.container] : [])])],
          volume,
          inferred: inferencesOf([saved, ...(first ? [first] : [])]),
        }),
      );
    }
    return findings;
  },
};
