// MODEL.md section 6, last point: before restoring, runsc checks each
// restoring container's spec against the one in the checkpoint
// (runsc/specutils/restore.go, with --restore-spec-validation=enforce, the
// default). The model compares what a pod decides of those specs: which
// containers exist, their rootfs read-only flag, their volume mounts, and the
// validated `dev.gvisor.*` annotations.

import type { SandboxAnalysis } from './analyze.js';
import { MOUNT_HINT_PREFIX } from './hints.js';
import type { SandboxContainer } from './sandbox.js';

export const NAME_REMAP_PREFIX = 'dev.gvisor.container-name-remap.';

/** Flag annotations runsc lets change across a restore (debug logging only). */
const RESTORE_MUTABLE_FLAGS = [
  'debug',
  'debug-log',
  'debug-command',
  'debug-log-format',
  'strace',
  'strace-syscalls',
  'strace-log-size',
  'log-packets',
].map((flag) => `dev.gvisor.flag.${flag}`);

/** shouldValidateAnnotation. */
export function isValidatedAnnotation(key: string): boolean {
  if (!key.startsWith('dev.gvisor.')) return false;
  if (key.startsWith('dev.gvisor.internal.') || key.startsWith(NAME_REMAP_PREFIX)) return false;
  if (key.startsWith(MOUNT_HINT_PREFIX) && key.endsWith('.source')) return false;
  return !RESTORE_MUTABLE_FLAGS.includes(key);
}

export interface SpecMismatch {
  /** The container whose spec differs, by its name in the restore pod. */
  container: string;
  field: 'container' | 'Annotations' | 'Root.Readonly' | 'Mounts';
  /** What differs, for a person. */
  detail: string;
  /** What runsc prints; values it would dump in full are shown as "...". */
  text: string;
}

function validated(annotations: Record<string, string>): Map<string, string> {
  return new Map(
    Object.entries(annotations)
      .filter(([key]) => isValidatedAnnotation(key))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function mismatch(field: string, container: string, oldValue: string, newValue: string): string {
  return `${JSON.stringify(field)} does not match across checkpoint restore for container: ${JSON.stringify(container)}, checkpoint ${oldValue} restore ${newValue}`;
}

/** A mount as runsc compares it: everything but its source. */
function mountSignature(container: SandboxContainer): Map<string, string> {
  return new Map(
    container.mounts.map((mount) => [
      mount.destination,
      `${mount.ociType} [${[...mount.options].sort().join(' ')}]`,
    ]),
  );
}

function annotationDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys
    .filter((key) => before.get(key) !== after.get(key))
    .map((key) => `${key}: ${before.get(key) ?? '(absent)'} -> ${after.get(key) ?? '(absent)'}`);
}

/**
 * Every difference runsc's spec validation would reject, in the order a
 * restore meets them: the sandbox first, then containers in restore order.
 * Regular init containers restore nothing (see memoryFiles.ts).
 */
export function validateSpecs(
  checkpointed: SandboxAnalysis,
  restoring: SandboxAnalysis,
  remap: Map<string, string>,
): SpecMismatch[] {
  const mismatches: SpecMismatch[] = [];
  const saved = new Map(checkpointed.sandbox.containers.map((container) => [container.name, container]));
  for (const container of restoring.sandbox.containers) {
    if (container.role === 'init') continue;
    const savedName = remap.get(container.name) ?? container.name;
    const before = saved.get(savedName);
    if (!before) {
      mismatches.push({
        container: container.name,
        field: 'container',
        detail: `container "${container.name}" is not in the checkpointed pod`,
        text: `checkpoint image does not contain spec for container: ${JSON.stringify(savedName)}`,
      });
      continue;
    }
    // The sandbox spec carries the shim's rewrite; the others the pod's own annotations.
    const [oldAnnotations, newAnnotations] =
      container.role === 'pause'
        ? [validated(checkpointed.rewrite.annotations), validated(restoring.rewrite.annotations)]
        : [validated(checkpointed.pod.annotations), validated(restoring.pod.annotations)];
    const changed = annotationDiff(oldAnnotations, newAnnotations);
    if (changed.length > 0) {
      mismatches.push({
        container: container.name,
        field: 'Annotations',
        detail: `gVisor annotations differ (${changed.join('; ')})`,
        text: mismatch('Annotations', savedName, 'map[string]string{...}', 'map[string]string{...}'),
      });
    }
    if (before.rootfs.readOnly !== container.rootfs.readOnly) {
      mismatches.push({
        container: container.name,
        field: 'Root.Readonly',
        detail: `readOnlyRootFilesystem of "${container.name}" changed from ${before.rootfs.readOnly} to ${container.rootfs.readOnly}`,
        text: mismatch(
          'Root.Readonly',
          savedName,
          String(before.rootfs.readOnly),
          String(container.rootfs.readOnly),
        ),
      });
    }
    const oldMounts = mountSignature(before);
    const newMounts = mountSignature(container);
    const destinations = [...new Set([...oldMounts.keys(), ...newMounts.keys()])].sort();
    const changedMounts = destinations.filter((path) => oldMounts.get(path) !== newMounts.get(path));
    if (changedMounts.length > 0) {
      mismatches.push({
        container: container.name,
        field: 'Mounts',
        detail: `volume mounts of "${container.name}" differ at ${changedMounts.join(', ')}`,
        text: mismatch('Mounts', savedName, '[]specs.Mount{...}', '[]specs.Mount{...}'),
      });
    }
  }
  return mismatches;
}
