import { startFailureRule } from './start-failures.js';

export const hintInvalid = startFailureRule(
  'hint-invalid',
  'A gVisor annotation that runsc rejects, so the sandbox never starts.',
  ['hint-parse', 'flag-annotation', 'rootfs-hint'],
  (failure) => {
    switch (failure.cause) {
      case 'flag-annotation':
        return {
          reason: 'invalid dev.gvisor.flag.overlay2',
          detail: 'Annotation "dev.gvisor.flag.overlay2" is not a setting runsc accepts from a pod.',
          fix: 'set dev.gvisor.flag.overlay2 to none or {root|all}:{memory|self}, or remove it.',
        };
      case 'rootfs-hint':
        return {
          reason: 'invalid dev.gvisor.spec.rootfs hint',
          detail: 'The dev.gvisor.spec.rootfs.* annotations are invalid (they reach every container).',
          fix: 'remove the dev.gvisor.spec.rootfs.* annotations, or give a valid source (absolute path), type (bind or erofs) and overlay.',
        };
      default:
        return failure.text.startsWith('mounts ')
          ? {
              reason: 'two mount hints with the same source',
              detail: `Annotation "${failure.key}" gives volume "${failure.volume}" the same source as another hint.`,
              fix: 'keep one hint per volume and do not set .source by hand (the gVisor shim sets it).',
            }
          : {
              reason: 'malformed mount hint key',
              detail: `Annotation "${failure.key}" is not of the form dev.gvisor.spec.mount.<volume>.<field>.`,
              fix: 'use dev.gvisor.spec.mount.<volume>.<field> with a field among source, type, share, options and directfs, and a volume name without dots.',
            };
    }
  },
);
