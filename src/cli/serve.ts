// restore-guard serve: the admission webhook.

import { setFlagsFromString } from 'node:v8';
import { pino } from 'pino';
import type { ClusterCaches } from '../cluster/caches.js';
import { resolveSettings } from '../policy/config.js';
import { loadConfigFile } from '../policy/config-file.js';
import { startServer } from '../server/server.js';
import { CertificateError } from '../server/tls.js';
import { UsageError } from './errors.js';
import { EXIT_OK, EXIT_USAGE, type Io } from './io.js';
import { parseCommand } from './options.js';

export const SERVE_HELP = `Usage: restore-guard serve [options]

Serves the validating admission webhook over HTTPS: POST /validate
(AdmissionReview admission.k8s.io/v1, v1beta1 answered in kind), GET /healthz,
GET /readyz and GET /metrics (Prometheus).

Options:
  --port N                 port to listen on (env PORT; default 8443).
  --host ADDR              address to listen on (default 0.0.0.0 with --tls-cert/--tls-key,
                           127.0.0.1 with a generated certificate).
  --tls-cert FILE          serving certificate (PEM). Reloaded when the file changes (watched,
  --tls-key FILE           and polled every 10 s for Secret symlink swaps), without a restart.
                           Without both, a self-signed certificate for localhost is generated.
  --config FILE            configuration: RuntimeClasses, restore annotations, modes, exemptions
                           (see docs/configuration.md).
  --cluster                follow the cluster: a pod is a gVisor pod when its RuntimeClass's handler
                           is a runsc handler (cluster.runscHandlers), each RuntimeClass's runsc
                           release comes from its annotation restore-guard.dev/runsc, and namespace
                           labels restore-guard.dev/mode (or /restore-pods, /pods, /templates) set
                           modes. /readyz waits for the caches. Also: cluster.enabled in --config.
  --kubeconfig FILE        with --cluster: kubeconfig (default: the pod's service account, KUBECONFIG,
  --context NAME           ~/.kube/config) and context.
  --log-level LEVEL        fatal, error, warn, info (default), debug or trace.
  --shutdown-delay SECONDS on SIGTERM/SIGINT, how long /readyz fails while requests are still
                           answered, before the server stops accepting (default 5).
  -h, --help               this help.

Logs are JSON lines, one per admission decision, with the request uid.`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  config: { type: 'string' },
  cluster: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'shutdown-delay': { type: 'string', default: '5' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, not "${value}"`);
  return port;
}

/**
 * The process's own stderr is written asynchronously: a synchronous write per
 * decision line cost about 20 us of every request under load, and lines
 * written while one write is in flight go out together. pino flushes what is
 * buffered when the process exits, however it exits. If stderr stops draining,
 * lines beyond 8 MiB of backlog are dropped rather than filling the heap.
 * Other streams (tests) are used as given.
 */
function logDestination(io: Io): pino.DestinationStream {
  if (io.stderr !== process.stderr) return io.stderr;
  const destination = pino.destination({ dest: 2, sync: false, maxLength: 8 * 1024 * 1024 });
  // A stderr that fails (pino handles EPIPE itself; any other error would be
  // an unhandled 'error' and end the process) becomes a sink, as pino does
  // for EPIPE: lines are lost, answers are not. Left writable, the flush at
  // exit would also retry the lost lines forever and SIGTERM would never end.
  destination.on('error', () => {
    Object.assign(destination, { write: () => true, flushSync() {}, end() {}, destroy() {} });
  });
  return destination;
}

/**
 * V8 pretenures an allocation site (allocates its objects straight in the old
 * generation) once nearly all it allocated has survived, and a server's start
 * teaches it just that: the configuration goes through the same validation
 * code (zod's) that later checks every review, and is kept. Request garbage
 * then lands in the old generation, where it keeps young objects alive
 * through scavenges. Under load that was 10 ms scavenges instead of 1 ms and
 * twice the p99 latency, in nearly every run (docs/benchmarks.md). Nothing
 * the webhook keeps for long is worth pretenuring. V8 consults this flag
 * whenever it collects garbage, so setting it here, before the configuration
 * is loaded, takes effect.
 */
function keepRequestGarbageYoung(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}

export async function runServe(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, SERVE_HELP, io);
  if (!parsed) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got "${positionals[0]}"`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  if (!LEVELS.includes(values['log-level']))
    throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  const delay = Number(values['shutdown-delay']);
  if (!Number.isFinite(delay) || delay < 0)
    throw new UsageError('--shutdown-delay must be a number of seconds');
  const port = parsePort(values.port ?? io.env.PORT ?? '8443');

  keepRequestGarbageYoung();
  const config = await loadConfigFile(values.config);
  const logger = pino({ level: values['log-level'], base: { service: 'restore-guard' } }, logDestination(io));
  const withFiles = values['tls-cert'] !== undefined;
  const staticPolicy = {
    settings: resolveSettings(config),
    modes: config.modes,
    exemptions: config.exemptions,
  };
  let caches: ClusterCaches | undefined;
  if (values.cluster || config.cluster.enabled) {
    // The Kubernetes client is large: loaded only when the cluster is followed.
    const { ClusterCaches } = await import('../cluster/caches.js');
    const { ClusterAccessError, loadKubeConfig } = await import('../cluster/kubeconfig.js');
    try {
      caches = new ClusterCaches(
        loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context }),
        config,
        logger,
      );
    } catch (error) {
      if (!(error instanceof ClusterAccessError)) throw error;
      logger.fatal(error.message);
      return EXIT_USAGE;
    }
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      port,
      host: values.host ?? (withFiles ? '0.0.0.0' : '127.0.0.1'),
      ...(values['tls-cert'] ? { tlsCertFile: values['tls-cert'] } : {}),
      ...(values['tls-key'] ? { tlsKeyFile: values['tls-key'] } : {}),
      ...(caches
        ? {
            policy: (namespace: string | null) => (caches as ClusterCaches).policyFor(namespace),
            dependenciesReady: () => (caches as ClusterCaches).synced,
            onClose: () => (caches as ClusterCaches).stop(),
          }
        : { policy: staticPolicy }),
      logger,
      shutdownDelayMs: delay * 1000,
    });
  } catch (error) {
    if (error instanceof CertificateError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      logger.fatal((error as Error).message);
      return EXIT_USAGE;
    }
    throw error;
  }

  // The caches fill in the background: /healthz answers at once, /readyz once they have synced.
  void caches?.start();

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      server.shutdown(signal).then(
        () => resolve(EXIT_OK),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
