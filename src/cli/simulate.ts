// restore-guard simulate: one pod, step by step, as runsc would take it.

import { extractPods, ObjectError } from '../admission/objects.js';
import { analyzePod, type PodAnalysis } from '../gvisor/analyze.js';
import { compareKeys } from '../gvisor/memoryFiles.js';
import { describeMedium, formatOverlay2 } from '../gvisor/overlay.js';
import type { SandboxContainer, SandboxMount } from '../gvisor/sandbox.js';
import { type RunscVariant, VARIANTS } from '../gvisor/variants.js';
import { InputError, UsageError } from './errors.js';
import { readInputs } from './input.js';
import { EXIT_OK, type Io } from './io.js';
import { JUDGE_HELP, JUDGE_OPTIONS, parseCommand, settingsFromFlags } from './options.js';
import { type Style, styleFor } from './style.js';

export const SIMULATE_HELP = `Usage: restore-guard simulate [options] FILE

Shows how runsc would run one pod (the first Pod or pod template in FILE, or
- for standard input): the shim's rewrite of the mount hints, each container
in start order with its mounts, overlay medium and memory-file key, and what a
checkpoint saves and a restore registers under each runsc variant, side by
side, with the outcome of each.

Options:
${JUDGE_HELP}
  --checkpointed FILE      the pod as it was checkpointed, when it differs from FILE.
  -o, --output FORMAT      text (default) or json.
  -h, --help               this help.`;

const OPTIONS = {
  ...JUDGE_OPTIONS,
  checkpointed: { type: 'string' },
  output: { type: 'string', short: 'o', default: 'text' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function firstPod(path: string, io: Io) {
  const { documents, errors } = await readInputs([path], io.stdin);
  if (errors[0]) throw errors[0];
  for (const document of documents) {
    try {
      const [pod] = extractPods(document.value);
      if (pod) return pod;
    } catch (error) {
      if (error instanceof ObjectError)
        throw new InputError(`${document.file}: document ${document.index}: ${error.message}`);
      throw error;
    }
  }
  throw new InputError(`${path}: no Pod or pod template found`);
}

function describeMount(mount: SandboxMount, master: boolean): string {
  const where = `${mount.destination}  volume ${mount.volume}${mount.subPath ? ' (subPath)' : ''}${mount.readOnly ? ' (ro)' : ''}`;
  switch (mount.kind) {
    case 'shared-disk-tmpfs':
      return master
        ? `${where}: shared disk-backed tmpfs, master created here -> memory file ${mount.key}`
        : `${where}: shared disk-backed tmpfs, reuses the master (its filestore FD is closed)`;
    case 'shared-memory-tmpfs':
      return `${where}: shared in-memory tmpfs${master ? ', master created here' : ''} (sandbox memory)`;
    case 'tmpfs':
      return `${where}: tmpfs of this container (sandbox memory)`;
    case 'unknown-type':
      return `${where}: type "${mount.ociType}", unknown to runsc: skipped`;
    default:
      return `${where}: bind from the host, overlay ${describeMedium(mount.medium)}${mount.filestore ? ` -> memory file ${mount.key}` : ''}`;
  }
}

function describeContainer(container: SandboxContainer, index: number, masters: Set<SandboxMount>): string[] {
  const rootfs = container.rootfs.filestore
    ? `rootfs overlay ${describeMedium(container.rootfs.medium)} -> memory file ${container.rootfs.key}`
    : `rootfs ${container.rootfs.readOnly ? 'read-only' : `overlay ${describeMedium(container.rootfs.medium)}`}: no memory file`;
  const gone = container.role === 'init' ? ' (exits before any checkpoint)' : '';
  return [
    `  ${index + 1}. ${container.name} (${container.role})${gone}: ${rootfs}`,
    ...container.mounts.map((mount) => `       ${describeMount(mount, masters.has(mount))}`),
  ];
}

function renderSimulation(name: string, analyses: Record<RunscVariant, PodAnalysis>, style: Style): string {
  const base = analyses['pre-fix'];
  const lines = [
    style.bold(name),
    `  overlay2 ${formatOverlay2(base.overlay)}${base.overlayOverridden ? ' (from the pod annotation dev.gvisor.flag.overlay2)' : ''}`,
  ];

  const changes = Object.entries(base.rewrite.annotations).filter(
    ([key, value]) => base.pod.annotations[key] !== value,
  );
  lines.push('', 'The gVisor shim rewrites the sandbox hints:');
  if (changes.length === 0) lines.push('  (nothing)');
  for (const [key, value] of changes.sort()) {
    lines.push(`  ${key}: ${base.pod.annotations[key] ?? '(unset)'} -> ${value}`);
  }
  lines.push('', 'Hints runsc applies:');
  if (base.hints.hints.size === 0) lines.push('  (none)');
  for (const hint of base.hints.hints.values()) {
    lines.push(
      `  ${hint.name}: type ${hint.type}, share ${hint.share}${hint.options.length ? `, options ${hint.options.join(',')}` : ''}`,
    );
  }
  for (const diagnostic of [...base.hints.dropped, ...base.hints.ignored])
    lines.push(style.yellow(`  runsc warns: ${diagnostic.text}`));

  const masters = new Set<SandboxMount>();
  const seen = new Set<string>();
  for (const container of base.sandbox.containers) {
    for (const mount of container.mounts) {
      if (mount.hint && mount.kind.startsWith('shared') && !seen.has(mount.hint.name)) {
        seen.add(mount.hint.name);
        masters.add(mount);
      }
    }
  }
  lines.push('', "Containers in start order (mounts in runsc's order, shortest destination first):");
  for (const [index, container] of base.sandbox.containers.entries()) {
    lines.push(...describeContainer(container, index, masters));
  }

  if (base.startFailures.length > 0) {
    lines.push('', style.red('The pod never starts:'));
    for (const failure of base.startFailures) lines.push(style.red(`  ${failure.text}`));
    return lines.join('\n');
  }

  const keys = [
    ...new Set(
      VARIANTS.flatMap((variant) => [
        ...analyses[variant].simulation.savedOwners,
        ...analyses[variant].simulation.restoreKeys,
      ]),
    ),
  ].sort(compareKeys);
  const width = Math.max(...keys.map((key) => key.length), 'memory file'.length) + 2;
  const column = (text: string) => text.padEnd(20);
  lines.push(
    '',
    'Memory files:',
    `  ${'memory file'.padEnd(width)}${column('checkpoint')}${VARIANTS.map((variant) => column(`restore ${variant}`)).join('')}`,
  );
  for (const key of keys) {
    const saved = base.simulation.savedOwners.includes(key) ? 'saved' : '-';
    const restored = VARIANTS.map((variant) =>
      column(analyses[variant].simulation.restoreKeys.includes(key) ? 'registered' : '-'),
    );
    lines.push(`  ${key.padEnd(width)}${column(saved)}${restored.join('')}`);
  }
  lines.push('', 'Outcome:');
  for (const variant of VARIANTS) {
    const { error } = analyses[variant].simulation;
    lines.push(`  ${`${variant}:`.padEnd(12)}${error ? style.red(error) : style.green('restores')}`);
  }
  return lines.join('\n');
}

export async function runSimulate(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, SIMULATE_HELP, io);
  if (!parsed) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('simulate takes exactly one FILE');
  if (values.output !== 'text' && values.output !== 'json') {
    throw new UsageError(`--output must be text or json, not "${values.output}"`);
  }
  const settings = await settingsFromFlags(values);
  const target = await firstPod(positionals[0], io);
  const checkpointed = values.checkpointed ? (await firstPod(values.checkpointed, io)).pod : undefined;
  const runtimeClass = target.pod.spec.runtimeClassName ?? '';
  const runtime = settings.runtimeClasses.get(runtimeClass) ?? [...settings.runtimeClasses.values()][0];
  const overlay2 = runtime?.overlay2 ?? 'root:self';
  const analyses = Object.fromEntries(
    VARIANTS.map((variant) => [
      variant,
      analyzePod(target.pod, { variant, overlay2, ...(checkpointed ? { checkpointed } : {}) }),
    ]),
  ) as Record<RunscVariant, PodAnalysis>;

  if (values.output === 'json') {
    const base = analyses['pre-fix'];
    const json = {
      kind: target.kind,
      namespace: target.namespace,
      name: target.name,
      runsc: runtime?.variant ?? 'pre-fix',
      sandboxAnnotations: base.rewrite.annotations,
      startFailures: base.startFailures.map((failure) => failure.text),
      containers: base.sandbox.containers,
      variants: Object.fromEntries(
        VARIANTS.map((variant) => {
          const { savedOwners, restoreKeys, error } = analyses[variant].simulation;
          return [variant, { savedOwners, restoreKeys, error }];
        }),
      ),
    };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return EXIT_OK;
  }
  const note =
    runtime && settings.runtimeClasses.has(runtimeClass)
      ? ''
      : ' (not a configured gVisor RuntimeClass: simulated as if it were)';
  const title = `${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name}  runtimeClassName ${runtimeClass || '(none)'}${note}`;
  io.stdout.write(`${renderSimulation(title, analyses, styleFor(io.stdout, io.env))}\n`);
  return EXIT_OK;
}
