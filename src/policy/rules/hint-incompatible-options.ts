import { startFailureRule } from './start-failures.js';

export const hintIncompatibleOptions = startFailureRule(
  'hint-incompatible-options',
  "A container mounts a shared volume less restrictively than the hint's options allow (ro, noexec, noatime, nosuid).",
  ['shared-options'],
  (failure) => ({
    reason: 'mount less restrictive than the shared master',
    detail: `Container "${failure.containers[0]}" mounts volume "${failure.volume}" with options the hint's master options forbid.`,
    fix: `remove the restrictive options from dev.gvisor.spec.mount.${failure.volume}.options, or mount the volume readOnly: true in every container when the hint says ro.`,
  }),
);
