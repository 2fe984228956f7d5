// Small builders for pods in tests, so each case states only what it is about.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Container, PodInput, Volume } from '../src/gvisor/pod.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Public manifests that use the gVisor hints (copied from the design material, sources in each file). */
export const REAL_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'real');
export const SEED_RESTORE = join(REAL_FIXTURES, '03_runsc-task-restore_ws-shared-restore.yaml');

export function loadPod(path: string): PodInput {
  const doc = parse(readFileSync(path, 'utf8'));
  return { annotations: doc.metadata?.annotations ?? {}, spec: doc.spec };
}

export function container(
  name: string,
  mounts: Record<string, string> = {},
  extra: Partial<Container> = {},
): Container {
  return {
    name,
    volumeMounts: Object.entries(mounts).map(([mountPath, volume]) => ({ name: volume, mountPath })),
    ...extra,
  };
}

export function emptyDir(name: string): Volume {
  return { name, emptyDir: {} };
}

/** The bug's configuration: a disk-backed shared tmpfs on `volume`. */
export function sharedHint(volume: string, type = 'bind', share = 'pod'): Record<string, string> {
  return { [`dev.gvisor.spec.mount.${volume}.type`]: type, [`dev.gvisor.spec.mount.${volume}.share`]: share };
}

export function pod(
  containers: Container[],
  options: { annotations?: Record<string, string>; volumes?: Volume[]; initContainers?: Container[] } = {},
): PodInput {
  return {
    annotations: options.annotations ?? {},
    spec: {
      containers,
      ...(options.initContainers ? { initContainers: options.initContainers } : {}),
      volumes: options.volumes ?? [],
    },
  };
}
