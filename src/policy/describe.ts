// Wording shared by rules: how a hint, a volume's mounts and the runsc
// releases are named in messages.

import type { PodAnalysis } from '../gvisor/analyze.js';
import { MOUNT_HINT_PREFIX } from '../gvisor/hints.js';
import type { PodInput } from '../gvisor/pod.js';
import type { SandboxContainer, SandboxMount } from '../gvisor/sandbox.js';
import { FIRST_FIXED_RELEASE } from '../gvisor/variants.js';

export { FIRST_FIXED_RELEASE };

const hintKeys = new WeakMap<Record<string, string>, string[]>();

/** The pod's own hint for a volume, as written: `dev.gvisor.spec.mount.v.type=bind, share=pod`. */
export function describeHint(pod: PodInput, volume: string): string {
  const prefix = `${MOUNT_HINT_PREFIX}${volume}.`;
  // Sorted once per pod: the keys with a prefix are adjacent, so one binary search finds them.
  let keys = hintKeys.get(pod.annotations);
  if (!keys) {
    keys = Object.keys(pod.annotations)
      .filter((key) => key.startsWith(MOUNT_HINT_PREFIX))
      .sort();
    hintKeys.set(pod.annotations, keys);
  }
  let first = 0;
  for (let last = keys.length; first < last; ) {
    const middle = (first + last) >>> 1;
    if ((keys[middle] as string) < prefix) first = middle + 1;
    else last = middle;
  }
  const fields: string[] = [];
  for (let index = first; keys[index]?.startsWith(prefix); index += 1) {
    const key = keys[index] as string;
    fields.push(`${key.slice(prefix.length)}=${pod.annotations[key]}`);
  }
  return fields.length > 0 ? `${prefix}{${fields.join(', ')}}` : `no ${prefix}* hint`;
}

export interface VolumeMountAt {
  container: SandboxContainer;
  mount: SandboxMount;
}

const mountIndex = new WeakMap<PodAnalysis, Map<string, VolumeMountAt[]>>();

/** Every mount of a volume, in start order and runsc's mount order (indexed once per analysis). */
export function mountsOfVolume(analysis: PodAnalysis, volume: string): VolumeMountAt[] {
  let index = mountIndex.get(analysis);
  if (!index) {
    index = new Map();
    for (const container of analysis.sandbox.containers) {
      for (const mount of container.mounts) {
        const list = index.get(mount.volume);
        if (list) list.push({ container, mount });
        else index.set(mount.volume, [{ container, mount }]);
      }
    }
    mountIndex.set(analysis, index);
  }
  return index.get(volume) ?? [];
}

/** Mounts of the shared disk-backed tmpfs of a hint, by hint name. */
export function sharedDiskMounts(analysis: PodAnalysis): Map<string, VolumeMountAt[]> {
  const byHint = new Map<string, VolumeMountAt[]>();
  for (const container of analysis.sandbox.containers) {
    for (const mount of container.mounts) {
      if (mount.kind !== 'shared-disk-tmpfs' || !mount.hint) continue;
      const list = byHint.get(mount.hint.name) ?? [];
      list.push({ container, mount });
      byHint.set(mount.hint.name, list);
    }
  }
  return byHint;
}

export function uniqueNames(mounts: readonly VolumeMountAt[]): string[] {
  return [...new Set(mounts.map(({ container }) => container.name))];
}

/** The fix that always works for the shared disk-backed tmpfs. */
export function sharedTmpfsFix(pod: PodInput, volume: string): string {
  return (
    `run runsc ${FIRST_FIXED_RELEASE} or later on the nodes that restore this pod and keep the containers, their order and mountPaths identical to the checkpointed pod; ` +
    `or set ${MOUNT_HINT_PREFIX}${volume}.type: tmpfs to keep the volume in memory (it is then checkpointed with the sandbox's memory)` +
    (pod.annotations[`${MOUNT_HINT_PREFIX}${volume}.share`]
      ? ''
      : ` with ${MOUNT_HINT_PREFIX}${volume}.share: pod`) +
    '.'
  );
}
