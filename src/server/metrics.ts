// Prometheus metrics, prefixed restore_guard_, in a registry of their own.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'operation' | 'kind' | 'decision' | 'dry_run'>;
  duration: Histogram<'operation' | 'decision'>;
  findings: Counter<'rule' | 'severity'>;
  tlsReloads: Counter<'result'>;
  inFlight: Gauge;
}

/** From 0.5 ms to 5 s: admission answers are expected in milliseconds. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'restore_guard_' });
  return {
    registry,
    requests: new Counter({
      name: 'restore_guard_admission_requests_total',
      help: 'AdmissionReview requests answered, by operation, kind, decision and whether they were dry runs.',
      labelNames: ['operation', 'kind', 'decision', 'dry_run'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'restore_guard_admission_duration_seconds',
      help: 'Time from receiving an AdmissionReview to answering it.',
      labelNames: ['operation', 'decision'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    }),
    findings: new Counter({
      name: 'restore_guard_findings_total',
      help: 'Findings reported in admission decisions, by rule and severity.',
      labelNames: ['rule', 'severity'],
      registers: [registry],
    }),
    tlsReloads: new Counter({
      name: 'restore_guard_tls_reloads_total',
      help: 'Serving certificate reloads after the files changed, by result (success or failure).',
      labelNames: ['result'],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'restore_guard_in_flight_requests',
      help: 'AdmissionReview requests being handled now.',
      registers: [registry],
    }),
  };
}
