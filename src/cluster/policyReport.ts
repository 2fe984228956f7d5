// wgpolicyk8s.io/v1alpha2 PolicyReports, one per namespace, small enough for
// etcd: results are capped per report and messages shortened, and a report
// says how many results it left out.

import type { CheckResult } from '../admission/results.js';
import type { Severity } from '../policy/finding.js';

/** Results per report: ~1 KiB each keeps a report far below etcd's 1.5 MiB object limit. */
export const MAX_RESULTS_PER_REPORT = 500;
const MAX_MESSAGE = 1000;

const API_VERSIONS: Record<string, string> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  PodTemplate: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

const REPORT_SEVERITY: Record<Severity, string> = { error: 'high', warning: 'medium', info: 'info' };
const REPORT_RESULT: Record<Severity, string> = { error: 'fail', warning: 'warn', info: 'pass' };

export interface PolicyReport {
  apiVersion: 'wgpolicyk8s.io/v1alpha2';
  kind: 'PolicyReport';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
  results: Array<Record<string, unknown>>;
}

export function policyReports(results: readonly CheckResult[], now = new Date()): PolicyReport[] {
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 };
  const byNamespace = new Map<string, Array<Record<string, unknown>>>();
  for (const result of results) {
    if (result.verdict === 'not-gvisor' || !result.namespace) continue;
    const resource = {
      apiVersion: API_VERSIONS[result.kind] ?? 'v1',
      kind: result.kind,
      name: result.name,
      namespace: result.namespace,
    };
    const entries = byNamespace.get(result.namespace) ?? [];
    if (result.findings.length === 0) {
      entries.push({
        source: 'restore-guard',
        policy: 'restore-guard',
        result: 'pass',
        scored: true,
        timestamp,
        resources: [resource],
        message: 'restores cleanly',
      });
    }
    for (const finding of result.findings) {
      entries.push({
        source: 'restore-guard',
        policy: finding.rule,
        rule: finding.rule,
        category: 'gVisor checkpoint/restore',
        severity: REPORT_SEVERITY[finding.severity],
        result: REPORT_RESULT[finding.severity],
        scored: true,
        timestamp,
        message:
          finding.message.length > MAX_MESSAGE
            ? `${finding.message.slice(0, MAX_MESSAGE - 3)}...`
            : finding.message,
        resources: [resource],
        properties: {
          containers: finding.containers.join(','),
          ...(finding.volume ? { volume: finding.volume } : {}),
          inferred: String(finding.inferred),
          ...(result.simulation?.error ? { runscError: result.simulation.error.slice(0, MAX_MESSAGE) } : {}),
        },
      });
    }
    byNamespace.set(result.namespace, entries);
  }

  return [...byNamespace.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([namespace, entries]) => {
      // Failures first, so a capped report keeps what matters.
      const order = ['fail', 'warn', 'pass'];
      entries.sort((a, b) => order.indexOf(a.result as string) - order.indexOf(b.result as string));
      const kept = entries.slice(0, MAX_RESULTS_PER_REPORT);
      const count = (result: string) => entries.filter((entry) => entry.result === result).length;
      const report: PolicyReport = {
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'PolicyReport',
        metadata: {
          name: 'restore-guard',
          namespace,
          labels: { 'app.kubernetes.io/managed-by': 'restore-guard' },
        },
        summary: { pass: count('pass'), fail: count('fail'), warn: count('warn'), error: 0, skip: 0 },
        results: kept,
      };
      if (entries.length > kept.length) {
        report.metadata.annotations = {
          'restore-guard.dev/results-left-out': String(entries.length - kept.length),
        };
      }
      return report;
    });
}
