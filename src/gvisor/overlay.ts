// MODEL.md section 3: the `--overlay2` setting (runsc/config/config.go), its
// per-pod override `dev.gvisor.flag.overlay2` (runsc/config/flags.go) and the
// rootfs hint `dev.gvisor.spec.rootfs.*` (runsc/boot/mount_hints.go).
// A medium is '' (no overlay), 'memory', 'self' or 'dir=/abs'.

import { goQuote } from './hints.js';

export type OverlayMedium = string;

export interface Overlay2 {
  rootMount: boolean;
  subMounts: boolean;
  medium: OverlayMedium;
  size: string;
}

export const DEFAULT_OVERLAY2 = 'root:self';
export const OVERLAY2_ANNOTATION = 'dev.gvisor.flag.overlay2';
export const ROOTFS_HINT_PREFIX = 'dev.gvisor.spec.rootfs.';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** OverlayMedium.Set. */
export function parseMedium(value: string): Parsed<OverlayMedium> {
  if (value === '' || value === 'memory' || value === 'self') return { ok: true, value };
  if (!value.startsWith('dir=')) return { ok: false, error: `unexpected medium: ${goQuote(value)}` };
  const dir = value.slice('dir='.length);
  if (!dir.startsWith('/')) {
    return {
      ok: false,
      error: `overlay host file directory should be an absolute path, got ${goQuote(dir)}`,
    };
  }
  return { ok: true, value };
}

/** Overlay2.Set: `none` or `{root|all}:{medium}[,size=N]`. */
export function parseOverlay2(value: string): Parsed<Overlay2> {
  if (value === 'none')
    return { ok: true, value: { rootMount: false, subMounts: false, medium: '', size: '' } };
  const formatError = `expected format is --overlay2={mount}:{medium}[,size={size}], got ${goQuote(value)}`;
  const parts = value.split(',');
  const mountAndMedium = (parts[0] ?? '').split(':');
  if (mountAndMedium.length !== 2) return { ok: false, error: formatError };
  const [mount, mediumText] = mountAndMedium as [string, string];
  if (mount !== 'root' && mount !== 'all') {
    return { ok: false, error: `unexpected mount specifier for --overlay2: ${goQuote(mount)}` };
  }
  const medium = parseMedium(mediumText);
  if (!medium.ok) return medium;
  let size = '';
  if (parts.length === 2) {
    const sizeArg = parts[1] as string;
    if (!sizeArg.startsWith('size=')) return { ok: false, error: formatError };
    size = sizeArg.slice('size='.length);
  } else if (parts.length > 2) {
    return { ok: false, error: formatError };
  }
  return { ok: true, value: { rootMount: true, subMounts: mount === 'all', medium: medium.value, size } };
}

export function rootMedium(overlay: Overlay2): OverlayMedium {
  return overlay.rootMount ? overlay.medium : '';
}

export function subMountMedium(overlay: Overlay2): OverlayMedium {
  return overlay.subMounts ? overlay.medium : '';
}

/** A medium whose upper layer lives in a host file: a private MemoryFile. */
export function hasFilestore(medium: OverlayMedium): boolean {
  return medium === 'self' || medium.startsWith('dir=');
}

/** Overlay2.String. */
export function formatOverlay2(overlay: Overlay2): string {
  if (!overlay.rootMount && !overlay.subMounts) return 'none';
  return `${overlay.subMounts ? 'all' : 'root'}:${overlay.medium}${overlay.size ? `,size=${overlay.size}` : ''}`;
}

export function describeMedium(medium: OverlayMedium): string {
  return medium === '' ? 'none' : medium;
}

/**
 * The overlay setting a pod runs with: the runtime's, unless the pod overrides
 * it with `dev.gvisor.flag.overlay2`, which runsc accepts only with the
 * none, memory or self media (checkOverlay2) and otherwise refuses to start.
 */
export function effectiveOverlay2(
  runtimeOverlay: Overlay2,
  annotations: Record<string, string>,
): Parsed<Overlay2> & { overridden: boolean } {
  const value = annotations[OVERLAY2_ANNOTATION];
  if (value === undefined) return { ok: true, value: runtimeOverlay, overridden: false };
  const prefix = `error setting flag overlay2=${goQuote(value)}: `;
  const parsed = parseOverlay2(value);
  if (!parsed.ok)
    return { ok: false, error: `${prefix}invalid overlay2 annotation: ${parsed.error}`, overridden: true };
  if (!['', 'memory', 'self'].includes(parsed.value.medium)) {
    return {
      ok: false,
      error: `${prefix}${goQuote(value)} overlay medium requires flag "allow-flag-override" to be enabled`,
      overridden: true,
    };
  }
  return { ok: true, value: parsed.value, overridden: true };
}

export interface RootfsHint {
  source: string;
  type: string;
  overlay: OverlayMedium;
  size: string;
  directfsOff: boolean;
}

/**
 * NewRootfsHint. Every error is fatal. The pod's annotations reach every
 * container's spec, so a rootfs hint on a pod applies to all its containers.
 */
export function parseRootfsHint(annotations: Record<string, string>): Parsed<RootfsHint | undefined> {
  let hint: RootfsHint | undefined;
  for (const key of Object.keys(annotations).sort()) {
    if (!key.startsWith(ROOTFS_HINT_PREFIX)) continue;
    const field = key.slice(ROOTFS_HINT_PREFIX.length);
    const value = annotations[key] ?? '';
    hint ??= { source: '', type: '', overlay: '', size: '', directfsOff: false };
    const error = setRootfsField(hint, field, value);
    if (error !== undefined) {
      return {
        ok: false,
        error: `invalid rootfs annotation (key = ${goQuote(field)}, value = ${goQuote(value)}): ${error}`,
      };
    }
  }
  if (hint && (hint.source === '' || hint.type === '')) {
    // Go's %+v of the *RootfsHint, as runsc prints it.
    const printed =
      `&{Mount:{Destination: Type:${hint.type} Source:${hint.source} Options:[] UIDMappings:[] GIDMappings:[]} ` +
      `Overlay:${hint.overlay} Size:${hint.size} SuppressDirectFS:${hint.directfsOff}}`;
    return { ok: false, error: `rootfs annotations missing required field(s): ${printed}` };
  }
  return { ok: true, value: hint };
}

function setRootfsField(hint: RootfsHint, field: string, value: string): string | undefined {
  switch (field) {
    case 'source':
      if (!value.startsWith('/')) return `source should be an absolute path, got ${goQuote(value)}`;
      hint.source = value;
      return undefined;
    case 'type':
      if (value !== 'erofs' && value !== 'bind') return `invalid type ${goQuote(value)}`;
      hint.type = value;
      return undefined;
    case 'overlay': {
      const medium = parseMedium(value);
      if (!medium.ok) return medium.error;
      hint.overlay = medium.value;
      return undefined;
    }
    case 'options':
      for (const option of value.split(',')) {
        const eq = option.indexOf('=');
        if (eq < 0) return `rootfs options must be key=value: ${option}`;
        const [key, optionValue] = [option.slice(0, eq), option.slice(eq + 1)];
        if (key !== 'size') return `invalid rootfs option: ${key}=${optionValue}`;
        hint.size = optionValue;
      }
      return undefined;
    case 'directfs':
      if (value !== 'default' && value !== 'off') {
        return `invalid directfs value ${goQuote(value)}, want "default" or "off"`;
      }
      hint.directfsOff = value === 'off';
      return undefined;
    default:
      return `invalid rootfs annotation: ${field}=${value}`;
  }
}
