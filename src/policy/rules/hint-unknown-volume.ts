import { volumeKind } from '../../gvisor/shim.js';
import { startFailureRule } from './start-failures.js';

export const hintUnknownVolume = startFailureRule(
  'hint-unknown-volume',
  'A mount hint names a volume the gVisor shim cannot find in the pod volume directory (missing, hostPath, PersistentVolumeClaim).',
  ['volume-not-found'],
  (failure, context) => {
    const volume = context.pod.spec.volumes?.find((candidate) => candidate.name === failure.volume);
    const kind = volume ? volumeKind(volume) : undefined;
    const what =
      kind === undefined
        ? 'which the pod does not have'
        : kind === 'hostPath'
          ? 'a hostPath volume, which lives outside /var/lib/kubelet/pods/<uid>/volumes'
          : `a ${kind} volume, whose kubelet directory is named after the PersistentVolume, not the pod volume`;
    return {
      reason: 'hint for a volume the shim cannot find',
      detail: `Annotation "${failure.key}" names volume "${failure.volume}", ${what}.`,
      fix:
        kind === undefined
          ? `rename the hint to a volume of the pod, or remove the dev.gvisor.spec.mount.${failure.volume}.* annotations.`
          : `remove the dev.gvisor.spec.mount.${failure.volume}.* annotations; mount hints work for emptyDir volumes.`,
    };
  },
);
