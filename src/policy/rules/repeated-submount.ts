import { quoteList } from '../finding.js';
import { startFailureRule } from './start-failures.js';

export const repeatedSubmount = startFailureRule(
  'repeated-submount',
  'One volume gets two filestore-backed overlays (a hinted bind mount, or --overlay2=all:self), which runsc refuses.',
  ['repeated-filestore'],
  (failure, context) => {
    const hinted = context.analysis?.hints.hints.get(failure.volume ?? '');
    return {
      reason: 'volume overlaid twice with a self-backed filestore',
      detail: `Volume "${failure.volume}" is mounted by ${quoteList(failure.containers)}, and each mount would get its own self-backed overlay (${hinted ? `hint type ${hinted.type}, share ${hinted.share}` : `--overlay2 ${context.analysis?.overlay.subMounts ? 'overlays every submount' : 'setting'}`}).`,
      fix: hinted
        ? `set dev.gvisor.spec.mount.${failure.volume}.type: tmpfs (one shared tmpfs), or share: shared, or mount the volume in one container only.`
        : 'mount the volume read-only in all but one container, or run runsc with --overlay2=root:self (the default).',
    };
  },
);
