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
import type { Container, ContainerRole, PodInput, Volume } from './pod.js';
import { containerMountType, locateVolume, type SandboxRewrite, subPathSource } from './shim.js';

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

export function buildSandbox(
  pod: PodInput,
  rewrite: SandboxRewrite,
  hints: Map<string, MountHint>,
  options: SandboxOptions,
): Sandbox {
  const volumes = new Map<string, Volume>((pod.spec.volumes ?? []).map((volume) => [volume.name, volume]));
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
        pod,
        rewrite,
        container,
        volumeMount,
        index,
        volumes.get(volumeMount.name),
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
  pod: PodInput,
  rewrite: SandboxRewrite,
  container: Container,
  volumeMount: NonNullable<Container['volumeMounts']>[number],
  index: number,
  volume: Volume | undefined,
  hintBySource: Map<string, MountHint>,
  options: SandboxOptions,
): SandboxMount {
  const inferred: InferenceId[] = [];
  const subPath = Boolean(volumeMount.subPath || volumeMount.subPathExpr);
  const location = volume ? locateVolume(volume, options.podUid) : undefined;
  const source = subPath
    ? subPathSource(options.podUid, volumeMount.name, container.name, index)
    : (location?.mountSource ?? '');
  const isVolumeDir = !subPath && Boolean(location?.dir);
  const ociType = containerMountType(pod, rewrite, volumeMount, volume, isVolumeDir);
  const readOnly = volumeMount.readOnly === true;
  const mountOptions = [propagationOption(volumeMount.mountPropagation)];
  mountOptions.push(readOnly ? 'ro' : 'rw');
  const hint = hintBySource.get(source);
  const base = {
    volume: volumeMount.name,
    destination: volumeMount.mountPath,
    source,
    subPath,
    readOnly,
    options: mountOptions,
    ociType,
    key: resourceKey(container.name, volumeMount.mountPath),
    inferred,
    ...(hint ? { hint } : {}),
  };

  if (ociType === 'tmpfs') {
    const kind: MountKind = hint && shouldShareMount(hint) ? 'shared-memory-tmpfs' : 'tmpfs';
    return { ...base, kind, medium: '', filestore: false };
  }
  if (ociType !== 'bind') {
    return { ...base, kind: 'unknown-type', medium: '', filestore: false };
  }

  // initGoferConfs for a submount.
  let medium = readOnly ? '' : subMountMedium(options.overlay);
  if (hint && isSandboxLocal(hint)) {
    // Even read-only: the shared mount must be created right for later writers.
    medium = 'self';
  }
  const hostPathType = volume?.hostPath?.type;
  if (medium === 'self' && hostPathType && NON_DIRECTORY_HOSTPATH.has(hostPathType)) {
    inferred.push('hostpath-file');
    medium = 'memory'; // "self filestore is only supported for directory mounts ..., falling back to memory"
  }
  const kind: MountKind = hint && shouldShareMount(hint) ? 'shared-disk-tmpfs' : 'bind';
  return { ...base, kind, medium, filestore: hasFilestore(medium) };
}

/** Two mounts of one volume at destinations of equal length: their order is not certain. */
function markEqualLengthTies(mounts: SandboxMount[]) {
  for (const a of mounts) {
    for (const b of mounts) {
      if (a !== b && a.source === b.source && a.destination.length === b.destination.length) {
        if (!a.inferred.includes('equal-length-order')) a.inferred.push('equal-length-order');
      }
    }
  }
}
