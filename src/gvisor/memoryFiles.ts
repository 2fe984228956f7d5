// MODEL.md sections 1-3 and 6: which private MemoryFiles a checkpoint saves,
// which ones a restore registers under each runsc variant, and what
// loadPrivateMemoryFiles (pkg/sentry/kernel/kernel_restore.go) makes of the two.

import type { InferenceId } from './inferences.js';
import type { ContainerRole } from './pod.js';
import type { Sandbox, SandboxContainer, SandboxMount } from './sandbox.js';
import type { RunscVariant } from './variants.js';

/** One private MemoryFile: its key and who registers it. */
export interface MemoryFileEntry {
  key: string;
  container: string;
  role: ContainerRole;
  path: string;
  /** Set for the single MemoryFile of a shared disk-backed tmpfs. */
  sharedHint?: string;
  inferred: InferenceId[];
}

/** Keys sort as Go prints a map keyed by ResourceID: by container name, then path. */
export function compareKeys(a: string, b: string): number {
  const [nameA, pathA] = splitKey(a);
  const [nameB, pathB] = splitKey(b);
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  if (pathA !== pathB) return pathA < pathB ? -1 : 1;
  return 0;
}

function splitKey(key: string): [string, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon), key.slice(colon + 1)];
}

/** The first entry of each shared disk-backed tmpfs, by hint name (what `.find` by hint would give). */
export function firstBySharedHint(entries: readonly MemoryFileEntry[]): Map<string, MemoryFileEntry> {
  const first = new Map<string, MemoryFileEntry>();
  for (const entry of entries) {
    if (entry.sharedHint !== undefined && !first.has(entry.sharedHint)) first.set(entry.sharedHint, entry);
  }
  return first;
}

export function sortedKeys(entries: Iterable<{ key: string }>): string[] {
  return [...new Set([...entries].map((entry) => entry.key))].sort(compareKeys);
}

/** A regular init container has exited and been deleted before any checkpoint. */
function aliveAtCheckpoint(container: SandboxContainer): boolean {
  return container.role !== 'init';
}

function entry(
  container: SandboxContainer,
  path: string,
  key: string,
  mount?: SandboxMount,
): MemoryFileEntry {
  return {
    key,
    container: container.name,
    role: container.role,
    path,
    ...(mount?.kind === 'shared-disk-tmpfs' && mount.hint ? { sharedHint: mount.hint.name } : {}),
    inferred: [...(mount?.inferred ?? [])],
  };
}

/**
 * The master of each shared tmpfs: created by the first mount of the hint's
 * source in start order (containers in order, each in runsc's mount order).
 * Includes masters that live in memory, which own no MemoryFile.
 */
export function sharedMasters(
  sandbox: Sandbox,
): Map<string, { container: SandboxContainer; mount: SandboxMount }> {
  const masters = new Map<string, { container: SandboxContainer; mount: SandboxMount }>();
  for (const container of sandbox.containers) {
    for (const mount of container.mounts) {
      if ((mount.kind === 'shared-disk-tmpfs' || mount.kind === 'shared-memory-tmpfs') && mount.hint) {
        if (!masters.has(mount.hint.name)) masters.set(mount.hint.name, { container, mount });
      }
    }
  }
  return masters;
}

/** What a checkpoint of the running sandbox records (savedMFOwners). */
export function savedOwners(sandbox: Sandbox): MemoryFileEntry[] {
  const owners: MemoryFileEntry[] = [];
  for (const container of sandbox.containers.filter(aliveAtCheckpoint)) {
    if (container.rootfs.filestore) owners.push(entry(container, '/', container.rootfs.key));
    for (const mount of container.mounts) {
      if (mount.filestore && mount.kind !== 'shared-disk-tmpfs') {
        owners.push(entry(container, mount.destination, mount.key, mount));
      }
    }
  }
  for (const { container, mount } of sharedMasters(sandbox).values()) {
    if (mount.kind !== 'shared-disk-tmpfs' || !mount.filestore) continue;
    const master = entry(container, mount.destination, mount.key, mount);
    if (container.role === 'init') master.inferred.push('init-container-gone');
    owners.push(master);
  }
  return owners;
}

export interface RestoreOptions {
  variant: RunscVariant;
  /** Saved owners, for `pod-global`, which matches a shared file by its hint. */
  saved: MemoryFileEntry[];
  /** `dev.gvisor.container-name-remap.*`: current name -> name in the checkpoint. */
  nameRemap: Map<string, string>;
  /** Names of the restoring sandbox's shared tmpfs hints, for `pod-global`. */
  sharedHints: ReadonlySet<string>;
}

/**
 * What configureRestore (runsc/boot/vfs.go) registers in mfmap, container by
 * container in restore order, each in runsc's mount order. Regular init
 * containers are not in the checkpoint and restore nothing (inferred).
 */
export function restoreKeys(sandbox: Sandbox, options: RestoreOptions): MemoryFileEntry[] {
  const registered: MemoryFileEntry[] = [];
  const sharedDone = new Set<string>();
  const savedByHint = firstBySharedHint(options.saved);
  for (const container of sandbox.containers.filter(aliveAtCheckpoint)) {
    const name = options.nameRemap.get(container.name) ?? container.name;
    const restoreOrder: InferenceId[] = container.role === 'pause' ? [] : ['restore-order'];
    if (container.rootfs.filestore) registered.push(entry(container, '/', `${name}:/`));
    for (const mount of container.mounts) {
      if (!mount.filestore) continue;
      const own = entry(container, mount.destination, `${name}:${mount.destination}`, mount);
      if (mount.kind !== 'shared-disk-tmpfs' || !mount.hint) {
        registered.push(own);
        continue;
      }
      const hintName = mount.hint.name;
      if (options.variant === 'pre-fix') {
        registered.push(own); // every mount with a filestore FD registers
      } else if (!sharedDone.has(hintName)) {
        sharedDone.add(hintName);
        if (options.variant === 'fixed') own.inferred.push(...restoreOrder); // which mount is first matters
        const savedShared = savedByHint.get(hintName);
        // fixed: the first to restore keys it by its own name and destination.
        // pod-global: matched by hint, so it takes the saved owner's key.
        registered.push(
          options.variant === 'pod-global' && savedShared ? { ...own, key: savedShared.key } : own,
        );
      }
    }
  }
  if (options.variant === 'pod-global') {
    // Matched by hint at the sandbox level: a saved shared file is restored
    // even when no restoring container mounts it (its creator was an init container).
    for (const saved of options.saved) {
      if (
        saved.sharedHint &&
        options.sharedHints.has(saved.sharedHint) &&
        !sharedDone.has(saved.sharedHint)
      ) {
        sharedDone.add(saved.sharedHint);
        registered.push({ ...saved, inferred: [] });
      }
    }
  }
  return registered;
}

export interface LoadOutcome {
  error: string | null;
  inferred: InferenceId[];
}

/**
 * Restoring the kernel state decodes every saved tmpfs, which looks its key
 * up in the restored map and panics when it is missing (tmpfs loadMf); only
 * then does loadPrivateMemoryFiles compare the counts. So a missing key shows
 * as the panic (runsc prints it as `failed to load kernel: <this>:` and a Go
 * stack trace), and the count message only when every saved key is present.
 * loadPrivateMemoryFiles' own `saved private memory file for %q was not
 * configured on restore` cannot be reached first.
 */
export function loadOutcome(saved: string[], restored: string[]): LoadOutcome {
  const restoredSet = new Set(restored);
  const missing = saved.find((key) => !restoredSet.has(key));
  if (missing !== undefined) {
    return {
      error: `Memory file for ${JSON.stringify(missing)} not found in CtxMemoryFileMap`,
      inferred: ['missing-key-panic'],
    };
  }
  if (saved.length !== restoredSet.size) {
    // mfmap's values are *MemoryFile, printed by their String(); shown as "...".
    const mfmap = restored.map((key) => `${key} ...`).join(' ');
    return {
      error: `inconsistent private memory files on restore: savedMFOwners = [${saved.join(' ')}], mfmap = map[${mfmap}]`,
      inferred: [],
    };
  }
  return { error: null, inferred: [] };
}
