// Failures that stop the sandbox or a container from starting, found while
// runsc creates the containers' filestores and mounts (MODEL.md sections 3-5).

import { goQuote, incompatibility } from './hints.js';
import type { InferenceId } from './inferences.js';
import type { Sandbox, SandboxMount } from './sandbox.js';

export type StartFailureCause =
  | 'volume-not-found'
  | 'flag-annotation'
  | 'hint-parse'
  | 'rootfs-hint'
  | 'repeated-filestore'
  | 'shared-options';

export interface StartFailure {
  cause: StartFailureCause;
  text: string;
  containers: string[];
  volume?: string;
  key?: string;
  inferred: InferenceId[];
}

/** Go's %+v of the *specs.Mount that checkCompatible prints. */
function printMount(mount: SandboxMount): string {
  return `&{Destination:${mount.destination} Type:tmpfs Source:${mount.source} Options:[${mount.options.join(' ')}] UIDMappings:[] GIDMappings:[]}`;
}

/**
 * Filestores are created with O_EXCL unless the hint shares the mount, so a
 * second self-backed overlay of one source fails. A regular init container
 * has exited, and its filestore is removed, before the next one starts.
 */
export function repeatedFilestores(sandbox: Sandbox): StartFailure[] {
  const failures: StartFailure[] = [];
  const inUse = new Map<string, string>(); // source -> container holding its filestore
  for (const container of sandbox.containers) {
    const own = new Map<string, string>();
    for (const mount of container.mounts) {
      const exclusive = mount.filestore && mount.medium === 'self' && mount.kind !== 'shared-disk-tmpfs';
      if (!exclusive) continue;
      const holder = inUse.get(mount.source) ?? own.get(mount.source);
      if (holder !== undefined) {
        const filestore = `/proc/<gofer-pid>/root${mount.source}/.gvisor.filestore.<sandbox-id>`;
        failures.push({
          cause: 'repeated-filestore',
          text: `${goQuote(mount.source)} mount source already has a filestore file at ${goQuote(filestore)}; repeated submounts are not supported with overlay optimizations`,
          containers: holder === container.name ? [container.name] : [holder, container.name],
          volume: mount.volume,
          inferred: ['repeated-submount', ...mount.inferred],
        });
      } else {
        own.set(mount.source, container.name);
      }
    }
    if (container.role !== 'init') for (const [source, name] of own) inUse.set(source, name);
  }
  return failures;
}

/** checkCompatible runs for every mount of a shared tmpfs, the first one included. */
export function incompatibleSharedMounts(sandbox: Sandbox): StartFailure[] {
  const failures: StartFailure[] = [];
  for (const container of sandbox.containers) {
    for (const mount of container.mounts) {
      if (!mount.hint || (mount.kind !== 'shared-disk-tmpfs' && mount.kind !== 'shared-memory-tmpfs'))
        continue;
      const reason = incompatibility(mount.hint, mount.options);
      if (!reason) continue;
      failures.push({
        cause: 'shared-options',
        text: `mount shared mount ${goQuote(mount.hint.name)} to ${goQuote(mount.destination)}: ${reason}, mount: ${printMount(mount)}`,
        containers: [container.name],
        volume: mount.volume,
        inferred: reason.includes('read-only') ? [] : ['container-mount-options'],
      });
    }
  }
  return failures;
}
