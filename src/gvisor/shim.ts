// MODEL.md section 4: what the containerd shim (pkg/shim/v1/utils/volumes.go,
// UpdateVolumeAnnotations) does to the pod's `dev.gvisor.*` annotations and
// to each container's mounts before runsc sees them.

import { goQuote, MOUNT_HINT_PREFIX } from './hints.js';
import type { InferenceId } from './inferences.js';
import type { PodInput, Volume } from './pod.js';

export const KUBELET_PODS_DIR = '/var/lib/kubelet/pods';
export const FORCE_SHARED_PREFIX = 'dev.gvisor.empty-dir.';

/** Kubelet plugin directory names of the volume kinds whose directory is named after the pod volume. */
const PLUGIN_DIRS: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/** Volume sources that never have a directory `volumes/<plugin>/<pod volume name>`. */
const NO_VOLUME_DIR: Record<string, InferenceId | undefined> = {
  hostPath: undefined,
  persistentVolumeClaim: 'pvc-volume-dir',
  ephemeral: 'pvc-volume-dir',
};

export interface VolumeLocation {
  /** The kubelet directory the shim's glob finds, or null when it finds none. */
  dir: string | null;
  /** The source a container mount of this volume has (hostPath: the host path). */
  mountSource: string;
  kind: string;
  inferred?: InferenceId;
}

export function volumeKind(volume: Volume): string {
  const kind = Object.keys(volume).find(
    (key) => key !== 'name' && volume[key] !== undefined && volume[key] !== null,
  );
  return kind ?? 'emptyDir'; // the API server defaults a volume with no source to emptyDir
}

export function locateVolume(volume: Volume, podUid: string): VolumeLocation {
  const kind = volumeKind(volume);
  const podVolumes = `${KUBELET_PODS_DIR}/${podUid}/volumes`;
  if (Object.hasOwn(NO_VOLUME_DIR, kind)) {
    const mountSource =
      kind === 'hostPath'
        ? (volume.hostPath?.path ?? '')
        : `${podVolumes}/kubernetes.io~csi/<persistent-volume-of-${volume.name}>/mount`;
    const inferred = NO_VOLUME_DIR[kind];
    return inferred ? { dir: null, mountSource, kind, inferred } : { dir: null, mountSource, kind };
  }
  const known = Object.hasOwn(PLUGIN_DIRS, kind) ? PLUGIN_DIRS[kind] : undefined;
  const dir = `${podVolumes}/${known ?? `kubernetes.io~${kind.toLowerCase()}`}/${volume.name}`;
  return known
    ? { dir, mountSource: dir, kind }
    : { dir, mountSource: dir, kind, inferred: 'plugin-volume-dir' };
}

/** The source of a container's subPath mount: never the volume directory itself. */
export function subPathSource(podUid: string, volume: string, container: string, index: number): string {
  return `${KUBELET_PODS_DIR}/${podUid}/volume-subpaths/${volume}/${container}/${index}`;
}

/** strconv.ParseBool, which the shim uses for `force-shared`; an invalid value counts as false. */
/** strconv.ParseBool: true, false, or undefined for anything it refuses. */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

export function isForceShared(annotations: Record<string, string>, volume: string): boolean {
  return parseGoBool(annotations[`${FORCE_SHARED_PREFIX}${volume}.force-shared`]) === true;
}

/** The shim's volumeName and volumeFieldName for a hint key. */
function splitHintKey(key: string): { volume: string; field: string } {
  const rest = key.slice(MOUNT_HINT_PREFIX.length);
  const parts = rest.split('.');
  return { volume: rest.split('.', 1)[0] ?? '', field: parts[parts.length - 1] ?? '' };
}

export interface ShimError {
  volume: string;
  key: string;
  text: string;
  inferred?: InferenceId;
}

export interface SandboxRewrite {
  /** The sandbox spec's annotations as runsc reads them. */
  annotations: Record<string, string>;
  /** Volumes the shim could not find: the sandbox never starts. */
  errors: ShimError[];
  /** Pod volume name -> the pod's own `.type` value, for the container rewrite. */
  podTypes: Map<string, string>;
}

/**
 * The sandbox (pause container) rewrite. Only `.type` keys are acted on: the
 * volume's directory becomes the hint's source; an emptyDir that is empty (a
 * new pod, or a restore on a fresh emptyDir; the model assumes so) becomes
 * `type=tmpfs`, unless force-shared, which makes it `type=bind, share=shared`.
 */
export function rewriteSandbox(pod: PodInput, podUid: string): SandboxRewrite {
  const annotations = { ...pod.annotations };
  const errors: ShimError[] = [];
  const podTypes = new Map<string, string>();
  const volumes = new Map((pod.spec.volumes ?? []).map((volume) => [volume.name, volume]));

  for (const key of Object.keys(pod.annotations).sort()) {
    if (!key.startsWith(MOUNT_HINT_PREFIX)) continue;
    const { volume: name, field } = splitHintKey(key);
    if (field !== 'type') continue;
    podTypes.set(name, pod.annotations[key] ?? '');
    const volume = volumes.get(name);
    const location = volume ? locateVolume(volume, podUid) : undefined;
    if (!location?.dir) {
      const error: ShimError = {
        volume: name,
        key,
        text: `get volume path for ${goQuote(name)}: unexpected matched volume list []`,
      };
      if (location?.inferred) error.inferred = location.inferred;
      errors.push(error);
      continue;
    }
    annotations[`${MOUNT_HINT_PREFIX}${name}.source`] = location.dir;
    if (location.kind === 'emptyDir') {
      if (isForceShared(pod.annotations, name)) {
        annotations[key] = 'bind';
        annotations[`${MOUNT_HINT_PREFIX}${name}.share`] = 'shared';
      } else {
        annotations[key] = 'tmpfs';
      }
    }
  }
  return { annotations, errors, podTypes };
}

/**
 * The OCI type the shim gives a container's mount of a volume directory
 * itself (a subPath mount never matches): the pod's own hint type, except
 * for a force-shared emptyDir, which stays a bind mount.
 */
export function containerMountType(
  pod: PodInput,
  rewrite: SandboxRewrite,
  volumeName: string,
  volume: Volume,
  hasVolumeDir: boolean,
): string {
  const podType = rewrite.podTypes.get(volumeName);
  if (podType === undefined || !hasVolumeDir) return 'bind';
  if (volumeKind(volume) === 'emptyDir' && isForceShared(pod.annotations, volumeName)) return 'bind';
  return podType;
}
