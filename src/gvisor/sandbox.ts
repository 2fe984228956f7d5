// MODEL.md sections 3 and 6: the sandbox as runsc builds it. Containers in
// start order (pause, init containers, app containers, ephemeral containers),
// each with its rootfs and its volume mounts in runsc's mount order, and for
// every mount its OCI type, overlay medium and whether it owns a private
// MemoryFile (a filestore).

import { isSandboxLocal, type MountHint, shouldShareMount } from './hints.js';
import type { InferenceId } from './inferences.js';
import {
  hasFilestore,
  type Overlay2,
  type OverlayMedium,
  type RootfsHint,
  rootMedium,
  subMountMedium,
} from './overlay.js';
import type { Container, ContainerRole, PodInput, Volume, VolumeMount } from './pod.js';
import {
  containerMountType,
  locateVolume,
  type SandboxRewrite,
  subPathSource,
  type VolumeLocation,
} from './shim.js';

/** What runsc makes of one mount. */
export type MountKind =
  /** shared tmpfs whose pages live in a host file: the bug's configuration */
  | 'shared-disk-tmpfs'
  /** shared tmpfs in the sandbox's main memory */
  | 'shared-memory-tmpfs'
  /** a tmpfs of this container alone */
  | 'tmpfs'
  /** a gofer (host) bind mount, possibly under an overlay */
  | 'bind'
  /** a type runsc does not know (the shim copied an invalid hint type): runsc skips the mount */
  | 'unknown-type';

export interface SandboxMount {
  volume: string;
  destination: string;
  source: string;
  subPath: boolean;
  readOnly: boolean;
  /** Container mount options as containerd passes them, after the shim (propagation, ro/rw). */
  options: string[];
  ociType: string;
  kind: MountKind;
  /** The hint runsc matched to this mount by exact source path. */
  hint?: MountHint;
  /** Overlay medium of the gofer mount ('' = none); '' for tmpfs mounts. */
  medium: OverlayMedium;
  /** The mount comes with a filestore, i.e. a private MemoryFile, when created. */
  filestore: boolean;
  /** `<container>:<destination>`, the ResourceID of its MemoryFile. */
  key: string;
  inferred: InferenceId[];
}

export interface SandboxContainer {
  name: string;
  role: ContainerRole;
  rootfs: { medium: OverlayMedium; readOnly: boolean; filestore: boolean; key: string };
  /** Volume mounts in the order runsc mounts them: shortest destination first. */
  mounts: SandboxMount[];
}

export interface Sandbox {
  containers: SandboxContainer[];
}

export const PAUSE_CONTAINER = '__no_name_0';

export function resourceKey(container: string, path: string): string {
  return `${container}:${path}`;
}

/** Containers in run-time start order, with their role. */
export function startOrder(pod: PodInput): { container: Container; role: ContainerRole }[] {
  const spec = pod.spec;
  return [
    ...(spec.initContainers ?? []).map((container) => ({
      container,
      role: (container.restartPolicy === 'Always' ? 'sidecar' : 'init') as ContainerRole,
    })),
    ...spec.containers.map((container) => ({ container, role: 'app' as ContainerRole })),
    ...(spec.ephemeralContainers ?? []).map((container) => ({
      container,
      role: 'ephemeral' as ContainerRole,
    })),
  ];
}

const NON_DIRECTORY_HOSTPATH = new Set(['File', 'FileOrCreate', 'Socket', 'CharDevice', 'BlockDevice']);

function propagationOption(mountPropagation: unknown): string {
  if (mountPropagation === 'HostToContainer') return 'rslave';
  if (mountPropagation === 'Bidirectional') return 'rshared';
  return 'rprivate';
}

export interface SandboxOptions {
  overlay: Overlay2;
  rootfsHint: RootfsHint | undefined;
  podUid: string;
}

/** What every mount of one volume shares, worked out once per pod. */
interface VolumeFacts {
  volume: Volume | undefined;
  location: VolumeLocation | undefined;
  /** OCI type the shim gives a mount of the volume directory itself. */
  volumeDirType: string;
  /** A hostPath that is not a directory (a self overlay falls back to memory). */
  notDirectory: boolean;
}

function volumeFacts(pod: PodInput, rewrite: SandboxRewrite, podUid: string): Map<string, VolumeFacts> {
  const facts = new Map<string, VolumeFacts>();
  for (const volume of pod.spec.volumes ?? []) {
    const location = locateVolume(volume, podUid);
    const hostPathType = volume.hostPath?.type;
    facts.set(volume.name, {
      volume,
      location,
      volumeDirType: containerMountType(pod, rewrite, volume.name, volume, location.dir !== null),
      notDirectory: Boolean(hostPathType && NON_DIRECTORY_HOSTPATH.has(hostPathType)),
    });
  }
  return facts;
}

const UNKNOWN_VOLUME: VolumeFacts = {
  volume: undefined,
  location: undefined,
  volumeDirType: 'bind',
  notDirectory: false,
};

export function buildSandbox(
  pod: PodInput,
  rewrite: SandboxRewrite,
  hints: Map<string, MountHint>,
  options: SandboxOptions,
): Sandbox {
  const volumes = volumeFacts(pod, rewrite, options.podUid);
  const hintBySource = new Map([...hints.values()].map((hint) => [hint.source, hint]));

  const pause: SandboxContainer = {
    name: PAUSE_CONTAINER,
    role: 'pause',
    // containerd makes the pause container's rootfs read-only: no overlay.
    rootfs: { medium: '', readOnly: true, filestore: false, key: resourceKey(PAUSE_CONTAINER, '/') },
    mounts: [],
  };

  const containers = startOrder(pod).map(({ container, role }) => {
    const readOnlyRoot = container.securityContext?.readOnlyRootFilesystem === true;
    // initGoferConfs: the rootfs hint replaces the medium; a read-only rootfs has none.
    const medium = readOnlyRoot
      ? ''
      : options.rootfsHint
        ? options.rootfsHint.overlay
        : rootMedium(options.overlay);
    const mounts = (container.volumeMounts ?? []).map((volumeMount, index) =>
      buildMount(
        container,
        volumeMount,
        index,
        volumes.get(volumeMount.name) ?? UNKNOWN_VOLUME,
        hintBySource,
        options,
      ),
    );
    markEqualLengthTies(mounts);
    return {
      name: container.name,
      role,
      rootfs: {
        medium,
        readOnly: readOnlyRoot,
        filestore: hasFilestore(medium),
        key: resourceKey(container.name, '/'),
      },
      // prepareMounts: sort.Slice by destination length. JavaScript's sort is
      // stable, so equal lengths keep spec order (see markEqualLengthTies).
      mounts: mounts.sort((a, b) => a.destination.length - b.destination.length),
    };
  });
  return { containers: [pause, ...containers] };
}

function buildMount(
  container: Container,
  volumeMount: VolumeMount,
  index: number,
  facts: VolumeFacts,
  hintBySource: Map<string, MountHint>,
  options: SandboxOptions,
): SandboxMount {
  const inferred: InferenceId[] = [];
  const subPath = Boolean(volumeMount.subPath || volumeMount.subPathExpr);
  const source = subPath
    ? subPathSource(options.podUid, volumeMount.name, container.name, index)
    : (facts.location?.mountSource ?? '');
  // Only a mount of the volume directory itself (no subPath) matches a hint.
  const ociType = subPath ? 'bind' : facts.volumeDirType;
  const readOnly = volumeMount.readOnly === true;
  const hint = hintBySource.get(source);
  const base = {
    volume: volumeMount.name,
    destination: volumeMount.mountPath,
    source,
    subPath,
    readOnly,
    options: [propagationOption(volumeMount.mountPropagation), readOnly ? 'ro' : 'rw'],
    ociType,
    key: resourceKey(container.name, volumeMount.mountPath),
    inferred,
    ...(hint ? { hint } : {}),
  };

  if (ociType === 'tmpfs') {
    const kind: MountKind = hint && shouldShareMount(hint) ? 'shared-memory-tmpfs' : 'tmpfs';
    return { ...base, kind, medium: '', filestore: false };
  }
  if (ociType !== 'bind') return { ...base, kind: 'unknown-type', medium: '', filestore: false };

  // initGoferConfs for a submount.
  let medium = readOnly ? '' : subMountMedium(options.overlay);
  if (hint && isSandboxLocal(hint)) {
    // Even read-only: the shared mount must be created right for later writers.
    medium = 'self';
  }
  if (medium === 'self' && facts.notDirectory) {
    inferred.push('hostpath-file');
    medium = 'memory'; // "self filestore is only supported for directory mounts ..., falling back to memory"
  }
  const kind: MountKind = hint && shouldShareMount(hint) ? 'shared-disk-tmpfs' : 'bind';
  return { ...base, kind, medium, filestore: hasFilestore(medium) };
}

/** Two mounts of one source at destinations of equal length: their order is not certain. */
function markEqualLengthTies(mounts: SandboxMount[]) {
  const groups = new Map<string, SandboxMount[]>();
  for (const mount of mounts) {
    const key = `${mount.destination.length}\u0000${mount.source}`;
    const group = groups.get(key);
    if (group) group.push(mount);
    else groups.set(key, [mount]);
  }
  for (const group of groups.values()) {
    if (group.length > 1) for (const mount of group) mount.inferred.push('equal-length-order');
  }
}
