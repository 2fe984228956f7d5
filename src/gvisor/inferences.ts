// Behaviour the model reproduces from reading runsc and containerd code but
// that has not been seen running (MODEL.md marks it "(inferred)"). Kept in one
// place so that a correction is one edit. Findings that depend on one of these
// carry `inferred: true`.

export const INFERENCES = {
  'pvc-volume-dir':
    'the kubelet names the directory of a PersistentVolumeClaim (or generic ephemeral) volume after the PersistentVolume, not the pod volume, so the shim cannot find it by the pod volume name',
  'plugin-volume-dir':
    'a volume of this kind lives in /var/lib/kubelet/pods/<uid>/volumes/<plugin>/<volume name>, so the shim finds it',
  'repeated-submount':
    'a second filestore-backed overlay of the same mount source fails when runsc creates its filestore file with O_EXCL',
  'init-container-gone':
    'a regular init container has exited and containerd has deleted its task before any checkpoint, so only a shared master it created survives, under its key',
  'restore-order':
    'on restore, containers register their mounts in the order the kubelet starts them: init containers that the checkpoint holds (sidecars), then app containers in spec order',
  'container-mount-options':
    'containerd gives a Kubernetes volume mount only rbind, a propagation option and ro or rw, never noexec, nosuid or noatime',
  'missing-key-panic':
    'runsc decodes the kernel state, whose tmpfs filesystems look up their saved key in the restored map, before loadPrivateMemoryFiles compares the lists, so a missing key surfaces as the decode panic',
  'hostpath-file':
    'a hostPath volume of type File, FileOrCreate, Socket, CharDevice or BlockDevice is not a directory, so a self overlay falls back to memory',
  'equal-length-order':
    'mounts whose destinations have the same length keep their spec order (sort.Slice is an insertion sort for up to 12 mounts; beyond that their order is unspecified)',
} as const;

export type InferenceId = keyof typeof INFERENCES;
