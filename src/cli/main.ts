// Command dispatch and the one place that turns errors into exit codes.

import { ConfigError } from '../policy/config.js';
import { InputError, UsageError } from './errors.js';
import { EXIT_OK, EXIT_USAGE, type Io } from './io.js';

export const MAIN_HELP = `Usage: restore-guard COMMAND [options]

Stops gVisor (runsc) checkpoint/restores that are doomed before they start,
and says why.

Commands:
  check PATH...     judge pod and workload manifests offline (exit 1 if something would fail)
  simulate FILE     step-by-step view of one pod: mounts, memory files, each runsc variant
  serve             run the validating admission webhook over HTTPS
  audit             judge every pod and workload already in the cluster
  help [COMMAND]    help for a command

Run 'restore-guard COMMAND --help' for a command's options.`;

interface Command {
  run(argv: string[], io: Io): Promise<number>;
  help: string;
}

// Loaded on demand: `check` need not load the Kubernetes client, nor `serve` the audit.
const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => {
    const { runCheck, CHECK_HELP } = await import('./check.js');
    return { run: runCheck, help: CHECK_HELP };
  },
  simulate: async () => {
    const { runSimulate, SIMULATE_HELP } = await import('./simulate.js');
    return { run: runSimulate, help: SIMULATE_HELP };
  },
  serve: async () => {
    const { runServe, SERVE_HELP } = await import('./serve.js');
    return { run: runServe, help: SERVE_HELP };
  },
  audit: async () => {
    const { runAuditCommand, AUDIT_HELP } = await import('./audit.js');
    return { run: runAuditCommand, help: AUDIT_HELP };
  },
};

/** Node's parseArgs errors, reworded as usage errors. */
function isArgumentError(error: unknown): error is Error {
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(`${MAIN_HELP}\n`);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === 'help') {
    const load = rest[0] ? COMMANDS[rest[0]] : undefined;
    io.stdout.write(`${load ? (await load()).help : MAIN_HELP}\n`);
    return EXIT_OK;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.stderr.write(`restore-guard: unknown command "${command}"\n\n${MAIN_HELP}\n`);
    return EXIT_USAGE;
  }
  try {
    return await (await load()).run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isArgumentError(error)) {
      io.stderr.write(
        `restore-guard ${command}: ${(error as Error).message}\nRun 'restore-guard ${command} --help' for usage.\n`,
      );
      return EXIT_USAGE;
    }
    if (error instanceof InputError || error instanceof ConfigError) {
      for (const line of error.message.split('\n')) io.stderr.write(`restore-guard: ${line}\n`);
      return EXIT_USAGE;
    }
    const debug = rest.includes('--debug') || io.env.RESTORE_GUARD_DEBUG === '1';
    io.stderr.write(
      `restore-guard: internal error: ${(error as Error).message}\n${debug ? `${(error as Error).stack}\n` : 'Run again with --debug for a stack trace.\n'}`,
    );
    return EXIT_USAGE;
  }
}
