// Which RuntimeClasses run gVisor, and what their nodes run, from the
// cluster's RuntimeClass objects: a class is gVisor when its handler is one of
// the configured runsc handlers; its runsc release and overlay setting come
// from annotations on the RuntimeClass, else from the configuration by name.

import { DEFAULT_OVERLAY2, parseOverlay2 } from '../gvisor/overlay.js';
import { parseRunsc } from '../gvisor/variants.js';
import type { Config, RuntimeSettings, SettingsOverrides } from '../policy/config.js';

/** Annotations an admin sets on a RuntimeClass as nodes are upgraded. */
export const RUNSC_ANNOTATION = 'restore-guard.dev/runsc';
export const OVERLAY2_ANNOTATION = 'restore-guard.dev/overlay2';

export interface RuntimeClassObject {
  metadata?: { name?: string; annotations?: Record<string, string> | null } | null;
  handler?: string | null;
}

export interface RuntimeClassSettings {
  runtimeClasses: Map<string, RuntimeSettings>;
  /** Bad annotation values, one line each, for the log. */
  problems: string[];
}

export function runtimeClassSettings(
  objects: readonly RuntimeClassObject[],
  config: Config,
  overrides: Pick<SettingsOverrides, 'runsc' | 'overlay2'> = {},
): RuntimeClassSettings {
  const runtimeClasses = new Map<string, RuntimeSettings>();
  const problems: string[] = [];
  for (const object of objects) {
    const name = object.metadata?.name;
    if (!name || !object.handler || !config.cluster.runscHandlers.includes(object.handler)) continue;
    const annotations = object.metadata?.annotations ?? {};
    const configured = config.runtimeClasses[name];

    let runsc = parseRunsc(
      overrides.runsc ?? annotations[RUNSC_ANNOTATION] ?? configured?.runsc ?? 'pre-fix',
    );
    if (!runsc.ok) {
      problems.push(
        `RuntimeClass ${name}: annotation ${RUNSC_ANNOTATION}: ${runsc.error}; using ${configured?.runsc ?? 'pre-fix'}`,
      );
      runsc = parseRunsc(configured?.runsc ?? 'pre-fix');
    }
    let overlay2 =
      overrides.overlay2 ?? annotations[OVERLAY2_ANNOTATION] ?? configured?.overlay2 ?? DEFAULT_OVERLAY2;
    const overlay = parseOverlay2(overlay2);
    if (!overlay.ok) {
      overlay2 = configured?.overlay2 ?? DEFAULT_OVERLAY2;
      problems.push(
        `RuntimeClass ${name}: annotation ${OVERLAY2_ANNOTATION}: ${overlay.error}; using ${overlay2}`,
      );
    }
    if (!runsc.ok) continue; // unreachable: the configuration was validated
    runtimeClasses.set(name, {
      variant: runsc.variant,
      ...(runsc.release ? { release: runsc.release } : {}),
      overlay2,
    });
  }
  return { runtimeClasses, problems };
}
