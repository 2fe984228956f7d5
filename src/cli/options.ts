// Argument parsing shared by the commands, and the flags of the commands that
// judge pods (check, simulate), turned into one typed settings object. No
// configuration lives in module state.

import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { type EvaluationSettings, resolveSettings, type SettingsOverrides } from '../policy/config.js';
import { loadConfigFile } from '../policy/config-file.js';
import type { Io } from './io.js';

export const JUDGE_OPTIONS = {
  runsc: { type: 'string' },
  overlay2: { type: 'string' },
  'restore-annotation': { type: 'string', multiple: true },
  'runtime-class': { type: 'string', multiple: true },
  'assume-restore': { type: 'boolean' },
  config: { type: 'string' },
} as const;

export const JUDGE_HELP = `  --runsc VARIANT          pre-fix | fixed | pod-global | release-YYYYMMDD.N (releases before
                           release-20260803.0 are pre-fix). Overrides the configuration for
                           every gVisor RuntimeClass. Default: from --config, else pre-fix.
  --overlay2 SPEC          runsc's --overlay2 on the nodes: none or {root|all}:{memory|self|dir=/abs}
                           [,size=N]. Default: from --config, else root:self (runsc's default).
  --runtime-class NAME     a RuntimeClass that runs gVisor (repeatable). Default: the classes in
                           --config, else gvisor. Other pods are not analysed.
  --restore-annotation KEY a pod annotation that marks a restore (repeatable; replaces the
                           defaults dev.gvisor.internal.restore.host-image-path and
                           dev.gvisor.checkpoint.host-image-path).
  --assume-restore         judge every object as if it were restored from a checkpoint.
  --config FILE            configuration file (see docs/configuration.md).`;

export interface JudgeFlags {
  runsc?: string | undefined;
  overlay2?: string | undefined;
  'restore-annotation'?: string[] | undefined;
  'runtime-class'?: string[] | undefined;
  'assume-restore'?: boolean | undefined;
  config?: string | undefined;
}

/** The judging flags as overrides of the configuration. */
export function overridesFromFlags(flags: JudgeFlags): SettingsOverrides {
  return {
    ...(flags.runsc !== undefined ? { runsc: flags.runsc } : {}),
    ...(flags.overlay2 !== undefined ? { overlay2: flags.overlay2 } : {}),
    ...(flags['runtime-class'] ? { runtimeClasses: flags['runtime-class'] } : {}),
    ...(flags['restore-annotation'] ? { restoreAnnotations: flags['restore-annotation'] } : {}),
    ...(flags['assume-restore'] !== undefined ? { assumeRestore: flags['assume-restore'] } : {}),
  };
}

export async function settingsFromFlags(flags: JudgeFlags): Promise<EvaluationSettings> {
  return resolveSettings(await loadConfigFile(flags.config), overridesFromFlags(flags));
}

/**
 * Parses a command's arguments strictly (unknown flags are usage errors).
 * With --help it prints the command's help and returns undefined.
 */
export function parseCommand<O extends ParseArgsOptionsConfig>(
  argv: string[],
  options: O,
  help: string,
  io: Io,
) {
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(`${help}\n`);
    return undefined;
  }
  return parsed;
}
