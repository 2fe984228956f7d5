// restore-guard check: judge manifests offline, for CI and for people.

import { judgeObject } from '../admission/judge.js';
import { extractPods, ObjectError } from '../admission/objects.js';
import type { CheckResult } from '../admission/results.js';
import type { PodInput } from '../gvisor/pod.js';
import { InputError, UsageError } from './errors.js';
import { readInputs } from './input.js';
import { EXIT_FAILS, EXIT_OK, EXIT_USAGE, type Io } from './io.js';
import { JUDGE_HELP, JUDGE_OPTIONS, parseCommand, settingsFromFlags } from './options.js';
import { styleFor } from './style.js';
import { renderResult, renderSummary } from './text.js';

export const CHECK_HELP = `Usage: restore-guard check [options] PATH...

Predicts, from pod specs alone, whether gVisor pods will fail to start or fail
to restore from a checkpoint, and why. PATH is a YAML or JSON file (several
documents allowed), a directory (read recursively for *.yaml, *.yml, *.json)
or - for standard input. Judged: Pods, the pod templates of Deployment,
StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and
PodTemplate, List objects and AdmissionReviews; other kinds are skipped.

Options:
${JUDGE_HELP}
  --checkpointed FILE      the pod as it was checkpointed; the objects checked are its restore
                           pods (finds renamed or reordered containers and spec drift).
  -o, --output FORMAT      text (default) or json (the stable contract in docs/json-output.md).
  --debug                  print stack traces of internal errors.
  -h, --help               this help.

Exit codes: 0 nothing would fail to start or restore; 1 some object would
(an error finding); 2 bad input or usage (the message names the file and
document).

Example:
  restore-guard check --runsc release-20260727.0 deploy/pods/restore.yaml`;

const OPTIONS = {
  ...JUDGE_OPTIONS,
  checkpointed: { type: 'string' },
  output: { type: 'string', short: 'o', default: 'text' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function loadCheckpointed(path: string, io: Io): Promise<PodInput> {
  const { documents, errors } = await readInputs([path], io.stdin);
  if (errors[0]) throw errors[0];
  const pods = documents.flatMap((document) => {
    try {
      return extractPods(document.value);
    } catch (error) {
      throw new InputError(`${document.source}: ${(error as Error).message}`);
    }
  });
  if (pods.length !== 1 || !pods[0]) {
    throw new InputError(
      `--checkpointed ${path}: expected exactly one pod or pod template, found ${pods.length}`,
    );
  }
  return pods[0].pod;
}

export async function runCheck(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, CHECK_HELP, io);
  if (!parsed) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length === 0)
    throw new UsageError('check needs at least one PATH (a file, a directory or -)');
  if (values.output !== 'text' && values.output !== 'json') {
    throw new UsageError(`--output must be text or json, not "${values.output}"`);
  }
  const settings = await settingsFromFlags(values);
  const checkpointed = values.checkpointed ? await loadCheckpointed(values.checkpointed, io) : undefined;

  const { documents, errors } = await readInputs(positionals, io.stdin);
  const results: CheckResult[] = [];
  for (const document of documents) {
    try {
      results.push(...judgeObject(document.source, document.value, settings, checkpointed));
    } catch (error) {
      if (!(error instanceof ObjectError)) throw error;
      errors.push(new InputError(`${document.file}: document ${document.index}: ${error.message}`));
    }
  }

  if (values.output === 'json') {
    io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  } else {
    const style = styleFor(io.stdout, io.env);
    for (const result of results) io.stdout.write(`${renderResult(result, style)}\n\n`);
    io.stdout.write(`${renderSummary(results)}\n`);
  }
  for (const error of errors) io.stderr.write(`restore-guard: ${error.message}\n`);
  if (errors.length > 0) return EXIT_USAGE;
  const fails = results.some((result) => result.findings.some((finding) => finding.severity === 'error'));
  return fails ? EXIT_FAILS : EXIT_OK;
}
