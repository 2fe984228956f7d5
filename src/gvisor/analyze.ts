// The model's entry point: one pod (or pod template) in, everything runsc
// would do with it out. Pure: no I/O, no logging.

import { type ParsedHints, parseMountHints, shouldShareMount } from './hints.js';
import type { InferenceId } from './inferences.js';
import { loadOutcome, type MemoryFileEntry, restoreKeys, savedOwners, sortedKeys } from './memoryFiles.js';
import {
  DEFAULT_OVERLAY2,
  effectiveOverlay2,
  type Overlay2,
  parseOverlay2,
  parseRootfsHint,
} from './overlay.js';
import type { PodInput } from './pod.js';
import { buildSandbox, type Sandbox } from './sandbox.js';
import { rewriteSandbox, type SandboxRewrite } from './shim.js';
import { NAME_REMAP_PREFIX, type SpecMismatch, validateSpecs } from './specValidation.js';
import { incompatibleSharedMounts, repeatedFilestores, type StartFailure } from './startup.js';
import type { RunscVariant } from './variants.js';

export interface ModelOptions {
  variant: RunscVariant;
  /** The runtime's `--overlay2` setting; default root:self. */
  overlay2?: string;
  /** The pod as it was checkpointed, when it differs from the pod being restored. */
  checkpointed?: PodInput;
  /** Used only to print kubelet paths; a pod template has none. */
  podUid?: string;
}

/** One pod as runsc runs it. */
export interface SandboxAnalysis {
  pod: PodInput;
  overlay: Overlay2;
  overlayOverridden: boolean;
  rewrite: SandboxRewrite;
  hints: ParsedHints;
  /** Failures to start, in the order they would strike; the first is what a node prints. */
  startFailures: StartFailure[];
  sandbox: Sandbox;
}

export interface RestoreSimulation {
  saved: MemoryFileEntry[];
  restored: MemoryFileEntry[];
  savedOwners: string[];
  restoreKeys: string[];
  /** Differences between the checkpointed and the restore pod that runsc rejects before loading. */
  specMismatches: SpecMismatch[];
  /** The text the restore fails with (spec validation first, then the memory files), or null. */
  error: string | null;
  /** The error rests on inferred behaviour. */
  inferred: InferenceId[];
}

export interface PodAnalysis extends SandboxAnalysis {
  variant: RunscVariant;
  /** The checkpointed pod, when given; otherwise the restore is of this pod itself. */
  checkpointed?: SandboxAnalysis;
  simulation: RestoreSimulation;
}

export function analyzeSandbox(
  pod: PodInput,
  options: Omit<ModelOptions, 'checkpointed' | 'variant'>,
): SandboxAnalysis {
  const podUid = options.podUid ?? '<pod-uid>';
  const runtimeOverlay = parseOverlay2(options.overlay2 ?? DEFAULT_OVERLAY2);
  if (!runtimeOverlay.ok) throw new Error(`invalid --overlay2: ${runtimeOverlay.error}`);
  const startFailures: StartFailure[] = [];

  // The shim runs first, on the sandbox spec.
  const rewrite = rewriteSandbox(pod, podUid);
  for (const error of rewrite.errors) {
    startFailures.push({
      cause: 'volume-not-found',
      text: error.text,
      containers: [],
      volume: error.volume,
      key: error.key,
      inferred: error.inferred ? [error.inferred] : [],
    });
  }

  // runsc: flag annotations, then the pod's mount hints, then each container's rootfs hint.
  const overlay = effectiveOverlay2(runtimeOverlay.value, pod.annotations);
  if (!overlay.ok) {
    startFailures.push({ cause: 'flag-annotation', text: overlay.error, containers: [], inferred: [] });
  }
  const hints = parseMountHints(rewrite.annotations);
  for (const fatal of hints.fatal) {
    startFailures.push({
      cause: 'hint-parse',
      text: fatal.text,
      containers: [],
      volume: fatal.volume,
      key: fatal.key,
      inferred: [],
    });
  }
  const rootfsHint = parseRootfsHint(pod.annotations);
  if (!rootfsHint.ok) {
    startFailures.push({ cause: 'rootfs-hint', text: rootfsHint.error, containers: [], inferred: [] });
  }

  const sandbox = buildSandbox(pod, rewrite, hints.hints, {
    overlay: overlay.ok ? overlay.value : runtimeOverlay.value,
    rootfsHint: rootfsHint.ok ? rootfsHint.value : undefined,
    podUid,
  });
  startFailures.push(...repeatedFilestores(sandbox), ...incompatibleSharedMounts(sandbox));

  return {
    pod,
    overlay: overlay.ok ? overlay.value : runtimeOverlay.value,
    overlayOverridden: overlay.overridden,
    rewrite,
    hints,
    startFailures,
    sandbox,
  };
}

/** `dev.gvisor.container-name-remap.<id>: "<current>=<saved>"`, by current name. */
export function nameRemap(annotations: Record<string, string>): Map<string, string> {
  const remap = new Map<string, string>();
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(NAME_REMAP_PREFIX)) continue;
    const eq = value.indexOf('=');
    if (eq > 0) remap.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return remap;
}

export function analyzePod(pod: PodInput, options: ModelOptions): PodAnalysis {
  const current = analyzeSandbox(pod, options);
  const checkpointed = options.checkpointed ? analyzeSandbox(options.checkpointed, options) : undefined;
  const remap = nameRemap(pod.annotations);
  const saved = savedOwners((checkpointed ?? current).sandbox);
  const sharedHints = new Set(
    [...current.hints.hints.values()].filter(shouldShareMount).map((hint) => hint.name),
  );
  const restored = restoreKeys(current.sandbox, {
    variant: options.variant,
    saved,
    nameRemap: remap,
    sharedHints,
  });
  const savedKeys = sortedKeys(saved);
  const restoredKeys = sortedKeys(restored);
  const specMismatches = checkpointed ? validateSpecs(checkpointed, current, remap) : [];
  const load = loadOutcome(savedKeys, restoredKeys);
  const firstMismatch = specMismatches[0];
  return {
    ...current,
    variant: options.variant,
    ...(checkpointed ? { checkpointed } : {}),
    simulation: {
      saved,
      restored,
      savedOwners: savedKeys,
      restoreKeys: restoredKeys,
      specMismatches,
      error: firstMismatch ? firstMismatch.text : load.error,
      inferred: firstMismatch ? [] : load.inferred,
    },
  };
}

/** Every inference an analysis leans on, for findings to carry. */
export function inferencesOf(entries: { inferred: InferenceId[] }[]): InferenceId[] {
  return [...new Set(entries.flatMap((entry) => entry.inferred))];
}
