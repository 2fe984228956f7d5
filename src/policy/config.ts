// The configuration file (--config), validated with zod, and the settings the
// evaluator runs with once CLI flags are applied on top of it.

import { z } from 'zod';
import { DEFAULT_OVERLAY2, parseOverlay2 } from '../gvisor/overlay.js';
import { parseRunsc, type RunscVariant } from '../gvisor/variants.js';

export const DEFAULT_RESTORE_ANNOTATIONS = [
  'dev.gvisor.internal.restore.host-image-path',
  'dev.gvisor.checkpoint.host-image-path',
] as const;
export const DEFAULT_RUNTIME_CLASS = 'gvisor';

const MODES = ['enforce', 'warn', 'audit', 'off'] as const;
export type Mode = (typeof MODES)[number];

const runscSetting = z.string().superRefine((value, ctx) => {
  const parsed = parseRunsc(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});
const overlaySetting = z.string().superRefine((value, ctx) => {
  const parsed = parseOverlay2(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `invalid overlay2 "${value}": ${parsed.error}` });
});
const mode = z.enum(MODES, { error: `expected one of ${MODES.join(', ')}` });
const stringList = z.array(z.string().min(1));

export const configSchema = z.strictObject({
  /** RuntimeClass name -> what the nodes behind it run. Pods of other classes are not gVisor pods. */
  runtimeClasses: z
    .record(
      z.string().min(1),
      z.strictObject({
        runsc: runscSetting.default('pre-fix'),
        overlay2: overlaySetting.default(DEFAULT_OVERLAY2),
      }),
    )
    .default({ [DEFAULT_RUNTIME_CLASS]: { runsc: 'pre-fix', overlay2: DEFAULT_OVERLAY2 } }),
  /** Pod annotations that mark a pod (or template) as a restore. */
  restoreAnnotations: stringList.default([...DEFAULT_RESTORE_ANNOTATIONS]),
  /** What the webhook does per object class. */
  modes: z
    .strictObject({
      restorePods: mode.default('enforce'),
      pods: mode.default('warn'),
      templates: mode.default('warn'),
    })
    .default({ restorePods: 'enforce', pods: 'warn', templates: 'warn' }),
  /** With cluster access (serve --cluster, audit): which RuntimeClass handlers are gVisor. */
  cluster: z
    .strictObject({
      /** serve: follow the cluster's RuntimeClasses and namespace labels (also --cluster). */
      enabled: z.boolean().default(false),
      runscHandlers: stringList.min(1).default(['runsc']),
    })
    .default({ enabled: false, runscHandlers: ['runsc'] }),
  /** Objects the webhook lets through untouched. */
  exemptions: z
    .strictObject({
      namespaces: stringList.default([]),
      users: stringList.default([]),
      groups: stringList.default([]),
    })
    .default({ namespaces: [], users: [], groups: [] }),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Validates a parsed configuration document; errors name each key and what it expects. */
export function parseConfig(document: unknown, origin = 'configuration'): Config {
  const result = configSchema.safeParse(document ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`
        : issue.message;
    return `${origin}: ${path}: ${message}`;
  });
  throw new ConfigError(problems.join('\n'));
}

export interface RuntimeSettings {
  variant: RunscVariant;
  /** The runsc release, when configured by release name. */
  release?: string;
  overlay2: string;
}

/** What one evaluation runs with: the configuration plus command-line overrides. */
export interface EvaluationSettings {
  runtimeClasses: Map<string, RuntimeSettings>;
  restoreAnnotations: readonly string[];
  assumeRestore: boolean;
}

export interface SettingsOverrides {
  runsc?: string;
  overlay2?: string;
  runtimeClasses?: string[];
  restoreAnnotations?: string[];
  assumeRestore?: boolean;
}

export function resolveSettings(config: Config, overrides: SettingsOverrides = {}): EvaluationSettings {
  const names = overrides.runtimeClasses?.length
    ? overrides.runtimeClasses
    : Object.keys(config.runtimeClasses);
  const runtimeClasses = new Map<string, RuntimeSettings>();
  for (const name of names) {
    const configured = config.runtimeClasses[name] ?? { runsc: 'pre-fix', overlay2: DEFAULT_OVERLAY2 };
    const runsc = parseRunsc(overrides.runsc ?? configured.runsc);
    if (!runsc.ok) throw new ConfigError(runsc.error);
    const overlay2 = overrides.overlay2 ?? configured.overlay2;
    const overlay = parseOverlay2(overlay2);
    if (!overlay.ok) throw new ConfigError(`invalid overlay2 "${overlay2}": ${overlay.error}`);
    runtimeClasses.set(name, {
      variant: runsc.variant,
      ...(runsc.release ? { release: runsc.release } : {}),
      overlay2,
    });
  }
  return settingsFor(runtimeClasses, config, overrides);
}

/** Settings for a set of gVisor RuntimeClasses, however found, with the restore overrides applied. */
export function settingsFor(
  runtimeClasses: Map<string, RuntimeSettings>,
  config: Config,
  overrides: SettingsOverrides = {},
): EvaluationSettings {
  return {
    runtimeClasses,
    restoreAnnotations: overrides.restoreAnnotations?.length
      ? overrides.restoreAnnotations
      : config.restoreAnnotations,
    assumeRestore: overrides.assumeRestore ?? false,
  };
}
