// Runs the app: TLS from files (reloaded on change) or generated for
// localhost, listen, and an orderly shutdown.

import { type AddressInfo, Server } from 'node:net';
import type { Logger } from 'pino';
import type { WebhookPolicy } from '../admission/decide.js';
import { type App, buildApp, type ServerState } from './app.js';
import { createMetrics, type Metrics } from './metrics.js';
import { CertificateReloader, generateLocalhostCertificate, loadKeyPair } from './tls.js';

/**
 * After the listener closes, connections accepted a moment before still get to
 * send their request: shutdown waits until no request has arrived for
 * QUIET_MS (every response now closes its connection, so the traffic dies
 * down), at most MAX_DRAIN_MS, before idle connections are closed.
 */
const QUIET_MS = 500;
const MAX_DRAIN_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerOptions {
  port: number;
  host: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** A fixed policy, or one per namespace (from the cluster caches). */
  policy: WebhookPolicy | ((namespace: string | null) => WebhookPolicy);
  dependenciesReady?: () => boolean;
  /** Called once the server has stopped accepting, e.g. to stop the caches. */
  onClose?: () => Promise<void>;
  logger: Logger;
  /** How long /readyz fails while the server still answers, before it stops accepting. */
  shutdownDelayMs: number;
  tlsPollIntervalMs?: number;
  requestTimeoutMs?: number;
  handshakeTimeoutMs?: number;
}

export interface RunningServer {
  app: App;
  port: number;
  /** The certificate being served first (PEM), e.g. to trust a generated one. */
  certificate: string;
  state: ServerState;
  metrics: Metrics;
  /** Fails /readyz at once, keeps answering for the shutdown delay, then drains and closes. */
  shutdown(reason: string): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const fromFiles = options.tlsCertFile !== undefined && options.tlsKeyFile !== undefined;
  const tls = fromFiles
    ? await loadKeyPair(options.tlsCertFile as string, options.tlsKeyFile as string)
    : await generateLocalhostCertificate();
  if (!fromFiles) {
    logger.warn(
      'no --tls-cert/--tls-key given: serving a generated self-signed certificate for localhost, 127.0.0.1 and ::1',
    );
  }

  const metrics = createMetrics();
  const state: ServerState = { ready: false, shuttingDown: false };
  const app = buildApp({
    tls,
    logger,
    metrics,
    policy: typeof options.policy === 'function' ? options.policy : () => options.policy as WebhookPolicy,
    state,
    ...(options.dependenciesReady ? { dependenciesReady: options.dependenciesReady } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: options.handshakeTimeoutMs } : {}),
  });

  const reloader = fromFiles
    ? new CertificateReloader(
        {
          certFile: options.tlsCertFile as string,
          keyFile: options.tlsKeyFile as string,
          pollIntervalMs: options.tlsPollIntervalMs ?? 10_000,
          // setSecureContext throws on a mismatched pair; the reloader keeps the old one then.
          apply: (pair) =>
            app.server.setSecureContext({ key: pair.key, cert: pair.cert, minVersion: 'TLSv1.2' }),
          onReload: (result) => metrics.tlsReloads.inc({ result }),
          log: logger,
        },
        tls,
      )
    : undefined;

  await app.listen({ port: options.port, host: options.host });
  reloader?.start();
  state.ready = true;
  const port = (app.server.address() as AddressInfo).port;
  logger.info(
    { port, host: options.host, tls: fromFiles ? 'files' : 'generated' },
    `restore-guard serving on https://${options.host}:${port}`,
  );

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= (async () => {
      state.shuttingDown = true;
      logger.info(
        { reason, delayMs: options.shutdownDelayMs },
        'shutting down: /readyz now fails; still answering until the delay ends',
      );
      await sleep(options.shutdownDelayMs);
      // Stop accepting, but let connections accepted a moment ago deliver their
      // request: Node's own close would drop them as idle right away.
      Server.prototype.close.call(app.server);
      const drainUntil = Date.now() + MAX_DRAIN_MS;
      do await sleep(100);
      while (Date.now() - (state.lastRequestAt ?? 0) < QUIET_MS && Date.now() < drainUntil);
      reloader?.stop();
      await app.close(); // closes idle connections, waits for requests in flight
      await options.onClose?.();
      logger.info('shut down cleanly');
    })();
    return closing;
  };
  return { app, port, certificate: tls.cert, state, metrics, shutdown };
}
