import { volumeKind } from '../../gvisor/shim.js';
import { describeHint, mountsOfVolume } from '../describe.js';
import type { Finding } from '../finding.js';
import { quoteList } from '../finding.js';
import { analysed, makeFinding, type Rule } from '../rule.js';

export const volumeNotCheckpointed: Rule = {
  id: 'volume-not-checkpointed',
  severity: 'info',
  summary:
    'An emptyDir served from the host (not a hinted tmpfs): its files are not in a checkpoint, and a restore on a fresh emptyDir starts with it empty.',
  check(context) {
    if (!analysed(context)) return [];
    const findings: Finding[] = [];
    for (const volume of context.pod.spec.volumes ?? []) {
      if (volumeKind(volume) !== 'emptyDir') continue;
      // A plain gofer bind with no overlay: every write goes to the host directory.
      const fromHost = mountsOfVolume(context.analysis, volume.name).filter(
        ({ mount }) => mount.kind === 'bind' && mount.medium === '' && !mount.readOnly,
      );
      if (fromHost.length === 0) continue;
      const names = [...new Set(fromHost.map(({ container }) => container.name))];
      findings.push(
        makeFinding(this, {
          severity: 'info',
          reason: 'emptyDir contents not in the checkpoint',
          detail: `EmptyDir "${volume.name}" (${describeHint(context.pod, volume.name)}) is served from the host to ${quoteList(names)}; a checkpoint does not contain its files, so after a restore on a fresh emptyDir it is empty.`,
          fix: `if its contents must survive a restore, set dev.gvisor.spec.mount.${volume.name}.type: tmpfs and dev.gvisor.spec.mount.${volume.name}.share: pod (kept in sandbox memory, mounted without subPath); otherwise nothing to do.`,
          containers: names,
          volume: volume.name,
        }),
      );
    }
    return findings;
  },
};
