// MODEL.md section 5: runsc's parsing of `dev.gvisor.spec.mount.<name>.<field>`
// (runsc/boot/mount_hints.go). runsc reads the hints from the sandbox spec,
// after the shim has rewritten them (see shim.ts). Texts are runsc's own.

export const MOUNT_HINT_PREFIX = 'dev.gvisor.spec.mount.';

export type HintType = 'tmpfs' | 'bind';
export type HintShare = 'container' | 'pod' | 'shared';

export interface MountHint {
  name: string;
  source: string;
  type: HintType;
  share: HintShare;
  /** Options after runsc dropped the unsupported ones (shared, rshared). */
  options: string[];
}

/** One annotation runsc complains about, with the text it logs or fails with. */
export interface HintDiagnostic {
  key: string;
  volume: string;
  text: string;
}

export interface ParsedHints {
  /** Complete hints by name; the only ones runsc applies. */
  hints: Map<string, MountHint>;
  /** Errors that stop the sandbox from starting. */
  fatal: HintDiagnostic[];
  /** Fields runsc ignores with a warning (bad value, unknown field, dropped option). */
  ignored: HintDiagnostic[];
  /** Hints runsc drops entirely because source, type or share is missing. */
  dropped: HintDiagnostic[];
}

interface PartialHint {
  name: string;
  source?: string;
  type?: HintType;
  share?: HintShare;
  options: string[];
}

const UNSUPPORTED_OPTIONS = new Set(['shared', 'rshared']);

/** Go's %q for the plain strings that appear in these messages. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** What setField returns for one field: an error text, or nothing. */
function setField(hint: PartialHint, field: string, value: string, onOptionSkipped: (text: string) => void) {
  switch (field) {
    case 'source':
      if (value.length === 0) return 'source cannot be empty';
      hint.source = value;
      return undefined;
    case 'type':
      if (value !== 'tmpfs' && value !== 'bind') return `invalid type ${goQuote(value)}`;
      hint.type = value;
      return undefined;
    case 'share':
      if (value !== 'container' && value !== 'pod' && value !== 'shared') {
        return `invalid share value ${goQuote(value)}`;
      }
      hint.share = value;
      return undefined;
    case 'options':
      hint.options = value.split(',').filter((option) => {
        if (!UNSUPPORTED_OPTIONS.has(option)) return true;
        onOptionSkipped(
          `mount option skipped ${goQuote(option)}: mount option ${goQuote(option)} is not supported`,
        );
        return false;
      });
      return undefined;
    case 'directfs':
      if (value !== 'default' && value !== 'off') {
        return `invalid directfs value ${goQuote(value)}, want "default" or "off"`;
      }
      return undefined;
    default:
      return `invalid mount annotation: ${field}=${value}`;
  }
}

export function parseMountHints(annotations: Record<string, string>): ParsedHints {
  const partial = new Map<string, PartialHint>();
  const fatal: HintDiagnostic[] = [];
  const ignored: HintDiagnostic[] = [];
  const dropped: HintDiagnostic[] = [];

  // runsc walks a Go map (random order) and stops at the first fatal error;
  // we walk in key order and report every problem, so the output is stable.
  for (const key of Object.keys(annotations).sort()) {
    if (!key.startsWith(MOUNT_HINT_PREFIX)) continue;
    const value = annotations[key] ?? '';
    const parts = key.slice(MOUNT_HINT_PREFIX.length).split('.');
    if (parts.length !== 2) {
      fatal.push({ key, volume: parts[0] ?? '', text: `invalid mount annotation: ${key}=${value}` });
      continue;
    }
    const [name, field] = parts as [string, string];
    if (name.length === 0) {
      fatal.push({ key, volume: name, text: `invalid mount name: ${name}` });
      continue;
    }
    let hint = partial.get(name);
    if (!hint) {
      hint = { name, options: [] };
      partial.set(name, hint);
    }
    const error = setField(hint, field, value, (text) => ignored.push({ key, volume: name, text }));
    if (error !== undefined) {
      ignored.push({
        key,
        volume: name,
        text: `ignoring invalid mount annotation (name = ${goQuote(name)}, key = ${goQuote(field)}, value = ${goQuote(value)}): ${error}`,
      });
    }
  }

  const hints = new Map<string, MountHint>();
  for (const hint of partial.values()) {
    if (!hint.share || !hint.source || !hint.type) {
      const missing = [!hint.source && 'source', !hint.type && 'type', !hint.share && 'share'].filter(
        (field): field is string => typeof field === 'string',
      );
      dropped.push({
        key: `${MOUNT_HINT_PREFIX}${hint.name}.${missing.join('/')}`,
        volume: hint.name,
        text: `ignoring mount annotations for ${goQuote(hint.name)} because of missing required field(s)`,
      });
      continue;
    }
    hints.set(hint.name, {
      name: hint.name,
      source: hint.source,
      type: hint.type,
      share: hint.share,
      options: hint.options,
    });
  }

  // A hint whose source a hint earlier in name order already has, named with that one: one
  // diagnostic per duplicate, not one per pair (a pod can carry thousands of hints).
  const firstWithSource = new Map<string, string>();
  for (const name of [...hints.keys()].sort()) {
    const { source } = hints.get(name) as MountHint;
    const first = firstWithSource.get(source);
    if (first === undefined) {
      firstWithSource.set(source, name);
      continue;
    }
    fatal.push({
      key: `${MOUNT_HINT_PREFIX}${name}.source`,
      volume: name,
      text: `mounts ${goQuote(first)} and ${goQuote(name)} have the same mount source ${goQuote(source)}`,
    });
  }
  return { hints, fatal, ignored, dropped };
}

/** MountHint.ShouldShareMount: one tmpfs instance shared by every mount of the source. */
export function shouldShareMount(hint: MountHint): boolean {
  return hint.type === 'tmpfs' && (hint.share === 'container' || hint.share === 'pod');
}

/** MountHint.IsSandboxLocal: no observer outside the sandbox, so runsc overlays it with `self`. */
export function isSandboxLocal(hint: MountHint): boolean {
  return hint.share === 'container' || hint.share === 'pod';
}

/** The flags of runsc's ParseMountOptions that checkCompatible compares. */
export interface MountFlags {
  readOnly: boolean;
  noExec: boolean;
  noATime: boolean;
  noSUID: boolean;
}

export function parseMountFlags(options: readonly string[]): MountFlags {
  return {
    readOnly: options.includes('ro'),
    noExec: options.includes('noexec'),
    noATime: options.includes('noatime'),
    noSUID: options.includes('nosuid'),
  };
}

/**
 * MountHint.checkCompatible: a replica may not be less restrictive than its
 * master (the hint's options). Returns the reason text, without runsc's
 * trailing `mount: %+v`, or undefined when compatible.
 */
export function incompatibility(hint: MountHint, replicaOptions: readonly string[]): string | undefined {
  const master = parseMountFlags(hint.options);
  const replica = parseMountFlags(replicaOptions);
  if (master.readOnly && !replica.readOnly) {
    return 'cannot mount read-write shared mount because master is read-only';
  }
  if (master.noExec && !replica.noExec)
    return 'cannot mount exec enabled shared mount because master is noexec';
  if (master.noATime && !replica.noATime) {
    return 'cannot mount atime enabled shared mount because master is noatime';
  }
  if (master.noSUID && !replica.noSUID)
    return 'cannot mount suid enabled shared mount because master is nosuid';
  return undefined;
}
