import { inferencesOf } from '../../gvisor/analyze.js';
import { firstBySharedHint } from '../../gvisor/memoryFiles.js';
import { describeHint, FIRST_FIXED_RELEASE, sharedDiskMounts } from '../describe.js';
import { analysed, makeFinding, type Rule } from '../rule.js';

export const sharedOverlayOrderDependent: Rule = {
  id: 'shared-overlay-order-dependent',
  severity: 'warning',
  summary:
    'Under runsc release-20260803.0 or later, restore of a shared disk-backed tmpfs works only while the same container restores it first at the same path, and that order is fragile here.',
  check(context) {
    if (!analysed(context) || context.analysis.variant !== 'fixed') return [];
    const { analysis } = context;
    const restoredKeys = new Set(analysis.simulation.restored.map((entry) => entry.key));
    const findings = [];
    const savedByHint = firstBySharedHint(analysis.simulation.saved);
    for (const [volume, mounts] of sharedDiskMounts(analysis)) {
      const saved = savedByHint.get(volume);
      if (!saved || !restoredKeys.has(saved.key)) continue; // fails outright: owner-mismatch
      const paths = [...new Set(mounts.map(({ mount }) => mount.destination))];
      const reasons = [];
      if (saved.role === 'sidecar' || saved.role === 'init') {
        reasons.push(
          `its owner "${saved.container}" is a ${saved.role === 'init' ? 'regular init' : 'sidecar'} container`,
        );
      }
      if (paths.length > 1) reasons.push(`the containers mount it at different paths (${paths.join(', ')})`);
      if (reasons.length === 0) continue;
      findings.push(
        makeFinding(this, {
          severity: 'warning',
          reason: 'restore of a shared tmpfs depends on container order',
          detail:
            `Volume "${volume}" (${describeHint(context.pod, volume)}) restores with runsc ${FIRST_FIXED_RELEASE} or later only because "${saved.container}" restores it first at "${saved.path}"; ` +
            `${reasons.join(' and ')}. A restore pod whose first container to mount it differs, or mounts it elsewhere, fails with "saved private memory file for "${saved.key}" was not configured on restore".`,
          fix: `mount "${volume}" at one path in every container, first from an app container, and keep container names and order identical between the checkpointed and the restore pod.`,
          containers: [...new Set(mounts.map(({ container }) => container.name))],
          volume,
          inferred: inferencesOf([saved, ...mounts.map(({ mount }) => mount)]).concat('restore-order'),
        }),
      );
    }
    return findings;
  },
};
