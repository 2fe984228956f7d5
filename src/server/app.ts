// The HTTPS application: /validate, /healthz, /readyz, /metrics. Built by a
// factory so tests and `serve` run the very same app; listening, signals and
// certificate files are the caller's business.

import Fastify, { type FastifyError, LogController } from 'fastify';
import type { Logger } from 'pino';
import { type Decision, decide, type WebhookPolicy } from '../admission/decide.js';
import { isJudgedKind } from '../admission/objects.js';
import { complete, errored } from '../admission/responses.js';
import { MalformedRequest, NotAReview, parseReview, uidOf } from '../admission/review.js';
import { EvaluationCache } from '../policy/cache.js';
import type { Metrics } from './metrics.js';
import type { KeyPair } from './tls.js';

/** controller-runtime's limit; the Pod Security webhook takes 3 MiB. Larger bodies get 413. */
export const BODY_LIMIT = 7 * 1024 * 1024;

export interface ServerState {
  /** Configuration loaded and the server listening (later also: caches synced). */
  ready: boolean;
  /** Shutdown has begun: /readyz fails at once. */
  shuttingDown: boolean;
  /** When the last request arrived (ms since the epoch), so shutdown can wait for quiet. */
  lastRequestAt?: number;
}

export interface AppOptions {
  tls: KeyPair;
  logger: Logger;
  metrics: Metrics;
  /** The policy for a request's namespace: static, or from the cluster caches. */
  policy: (namespace: string | null) => WebhookPolicy;
  state: ServerState;
  /** Whatever else must be ready before /readyz says so (the cluster caches). */
  dependenciesReady?: () => boolean;
  /**
   * Against slow and hostile clients: a request (headers and body) must arrive
   * within this (default 30 s), its headers within the lesser of this and 10 s,
   * and a TLS handshake within handshakeTimeoutMs (default 10 s).
   */
  requestTimeoutMs?: number;
  handshakeTimeoutMs?: number;
}

/** `?timeout=10s` as the apiserver sends it; undefined when absent or unreadable. */
export function parseTimeout(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return amount * (unit === 'ms' ? 1 : unit === 'm' ? 60_000 : 1000);
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

/** Label values come from request bodies: bounded, so no client can mint unlimited series. */
function boundedLabels(decision: Pick<Decision, 'operation' | 'kind'>) {
  return {
    operation: OPERATIONS.has(decision.operation) ? decision.operation : 'other',
    kind: isJudgedKind(decision.kind) ? decision.kind : 'other',
  };
}

function record(
  metrics: Metrics,
  decision: Pick<Decision, 'operation' | 'kind' | 'outcome' | 'dryRun' | 'counts'>,
  seconds: number,
) {
  const { operation, kind } = boundedLabels(decision);
  metrics.requests.inc({ operation, kind, decision: decision.outcome, dry_run: String(decision.dryRun) });
  metrics.duration.observe({ operation, decision: decision.outcome }, seconds);
  for (const { rule, severity, count } of decision.counts) metrics.findings.inc({ rule, severity }, count);
}

export function buildApp(options: AppOptions) {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(10_000, requestTimeout);
  const app = Fastify({
    loggerInstance: options.logger,
    // One log line per decision, written by the handler; none per request from Fastify.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // A "__proto__" or "constructor.prototype" key (reachable through userInfo.extra) is
    // dropped rather than refusing the body, so the review is still answered with its uid.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    https: {
      key: options.tls.key,
      cert: options.tls.cert,
      minVersion: 'TLSv1.2',
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      headersTimeout,
      // Node looks for expired requests this often (default 30 s, which would let a slow client linger).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    } as import('node:https').ServerOptions,
    requestTimeout,
    connectionTimeout: requestTimeout,
    keepAliveTimeout: 30_000,
    // While draining, a request that reached us is answered, never refused with 503
    // (the apiserver would count a 503 as a webhook failure and apply failurePolicy).
    return503OnClosing: false,
  });
  // Callback hooks, not async ones: no promise and microtask per hook on every request.
  app.addHook('onRequest', (_request, _reply, done) => {
    options.state.lastRequestAt = Date.now();
    done();
  });
  // Once shutdown begins, every response closes its connection, so clients reconnect to another replica.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (options.state.shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });

  // AdmissionReviews are JSON; any other content type is 415, not a string to misread.
  app.removeContentTypeParser('text/plain');

  // Errors before the handler (bad JSON, too large, wrong content type): a short JSON error.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'internal error');
    else request.log.info({ status, code: error.code }, `rejected request: ${error.message}`);
    void reply.code(status).send({ error: status === 500 ? 'internal error' : error.message });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, shuttingDown } = options.state;
    const dependencies = options.dependenciesReady?.() ?? true;
    if (ready && !shuttingDown && dependencies) return { status: 'ready' };
    const status = shuttingDown ? 'shutting down' : ready ? 'cluster caches not synced' : 'not ready';
    return reply.code(503).send({ status });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });

  // Identical pod specs are judged once (see EvaluationCache).
  const evaluations = new EvaluationCache();

  app.post('/validate', async (request, reply) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const timeoutMs = parseTimeout((request.query as Record<string, unknown>).timeout);
    options.metrics.inFlight.inc();
    try {
      let decision: Decision;
      try {
        const review = parseReview(request.body);
        decision = decide(review, options.policy(review.request.namespace ?? null), evaluations);
      } catch (error) {
        if (error instanceof NotAReview) {
          request.log.info(`rejected a body that is not an AdmissionReview: ${error.message}`);
          options.metrics.requests.inc({
            operation: 'unknown',
            kind: 'unknown',
            decision: 'bad-request',
            dry_run: 'false',
          });
          return reply.code(400).send({ error: `not an AdmissionReview: ${error.message}` });
        }
        // Answer every review that has a uid, so failurePolicy decides rather than a broken reply.
        const uid = error instanceof MalformedRequest ? error.uid : uidOf(request.body);
        if (uid === undefined) throw error;
        const apiVersion = error instanceof MalformedRequest ? error.apiVersion : 'admission.k8s.io/v1';
        const code = error instanceof MalformedRequest ? 400 : 500;
        const message =
          code === 400
            ? `malformed AdmissionReview: ${(error as Error).message}`
            : 'restore-guard internal error';
        request.log[code === 400 ? 'info' : 'error']({ uid, err: error }, message);
        options.metrics.requests.inc({
          operation: 'unknown',
          kind: 'unknown',
          decision: code === 400 ? 'bad-request' : 'error',
          dry_run: 'false',
        });
        return complete(errored(code, message), uid, apiVersion);
      }
      const elapsed = seconds();
      record(options.metrics, decision, elapsed);
      // request.log is Fastify's per-request child logger; the uid goes on the line itself.
      const uid = decision.review.response.uid;
      request.log.info(
        {
          uid,
          operation: decision.operation,
          kind: decision.kind,
          namespace: decision.namespace,
          name: decision.name,
          decision: decision.outcome,
          reason: decision.reason,
          mode: decision.mode,
          rules: [...new Set(decision.counts.map((entry) => entry.rule))],
          dryRun: decision.dryRun,
          durationMs: Math.round(elapsed * 1e6) / 1e3,
        },
        'admission decision',
      );
      if (timeoutMs !== undefined && elapsed * 1000 > timeoutMs) {
        // The apiserver has given up on this request; an answer now would only mislead.
        request.log.warn({ uid, timeoutMs }, 'decision came after the apiserver timeout; not answering');
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      }
      return decision.review;
    } finally {
      options.metrics.inFlight.dec();
    }
  });
  return app;
}

export type App = ReturnType<typeof buildApp>;
