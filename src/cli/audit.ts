// restore-guard audit: which workloads already in the cluster could not be
// restored today.

import { stringify } from 'yaml';
import type { CheckResult } from '../admission/results.js';
import { AuditError, runAudit } from '../cluster/audit.js';
import { ClusterAccessError, loadKubeConfig } from '../cluster/kubeconfig.js';
import { policyReports } from '../cluster/policyReport.js';
import { loadConfigFile } from '../policy/config-file.js';
import { UsageError } from './errors.js';
import { EXIT_FAILS, EXIT_OK, EXIT_USAGE, type Io } from './io.js';
import { JUDGE_HELP, JUDGE_OPTIONS, overridesFromFlags, parseCommand } from './options.js';
import { renderSummary } from './text.js';

export const AUDIT_HELP = `Usage: restore-guard audit [options]

Lists the pods and the pod templates of every workload kind (Deployment,
StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob,
PodTemplate) in the cluster, page by page, and judges each exactly as the
webhook would: gVisor pods are those whose RuntimeClass handler is a runsc
handler (configuration cluster.runscHandlers, default runsc); each
RuntimeClass's runsc release comes from its annotation restore-guard.dev/runsc,
else from --config. Nothing is written to the cluster.

Options:
  -A, --all-namespaces     every namespace (the default).
  -n, --namespace NS       one namespace.
  --kubeconfig FILE        kubeconfig (default: KUBECONFIG, ~/.kube/config, or the pod's service account).
  --context NAME           kubeconfig context.
  --page-size N            objects per list request (default 500).
${JUDGE_HELP}
  -o, --output FORMAT      text (default: counts by rule and namespace, then the objects), json
                           (the check contract) or policyreport (wgpolicyk8s.io/v1alpha2
                           PolicyReports as YAML, one per namespace, to apply or feed a dashboard).
  -h, --help               this help.

Exit codes: 0 nothing would fail to start or restore; 1 something would; 2 the
audit could not run (no cluster, unauthorized, forbidden), with one line saying
which and why. The permissions it needs are in docs/rbac.md.`;

const OPTIONS = {
  ...JUDGE_OPTIONS,
  'all-namespaces': { type: 'boolean', short: 'A' },
  namespace: { type: 'string', short: 'n' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'page-size': { type: 'string', default: '500' },
  output: { type: 'string', short: 'o', default: 'text' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function textReport(results: readonly CheckResult[]): string {
  const flagged = results.filter((result) => result.findings.some((finding) => finding.severity !== 'info'));
  const byRule = new Map<string, number>();
  const byNamespace = new Map<string, number>();
  for (const result of flagged) {
    byNamespace.set(
      result.namespace ?? '(cluster)',
      (byNamespace.get(result.namespace ?? '(cluster)') ?? 0) + 1,
    );
    for (const finding of result.findings) {
      if (finding.severity === 'info') continue;
      const key = `${finding.rule} (${finding.severity})`;
      byRule.set(key, (byRule.get(key) ?? 0) + 1);
    }
  }
  const lines = [renderSummary(results)];
  if (flagged.length === 0) return lines.join('\n');
  lines.push('', 'Findings by rule:');
  for (const [rule, count] of [...byRule].sort((a, b) => b[1] - a[1]))
    lines.push(`  ${String(count).padStart(6)}  ${rule}`);
  lines.push('', 'Objects with findings by namespace:');
  for (const [namespace, count] of [...byNamespace].sort((a, b) => b[1] - a[1]))
    lines.push(`  ${String(count).padStart(6)}  ${namespace}`);
  lines.push('', 'Objects:');
  for (const result of flagged) {
    const rules = [...new Set(result.findings.filter((f) => f.severity !== 'info').map((f) => f.rule))].join(
      ', ',
    );
    lines.push(
      `  ${result.verdict.padEnd(18)} ${result.kind} ${result.namespace ?? ''}/${result.name}: ${rules}`,
    );
  }
  lines.push(
    '',
    'Run restore-guard audit -o json for every finding in full, or check a manifest for the details.',
  );
  return lines.join('\n');
}

export async function runAuditCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, AUDIT_HELP, io);
  if (!parsed) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`audit takes no arguments, got "${positionals[0]}"`);
  if (values['all-namespaces'] && values.namespace) throw new UsageError('-A and -n exclude each other');
  if (!['text', 'json', 'policyreport'].includes(values.output)) {
    throw new UsageError(`--output must be text, json or policyreport, not "${values.output}"`);
  }
  const pageSize = Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new UsageError('--page-size must be a positive whole number');

  const config = await loadConfigFile(values.config);
  const progress = io.stderr.isTTY === true;
  try {
    const kc = loadKubeConfig({ kubeconfig: values.kubeconfig, context: values.context });
    const report = await runAudit(kc, config, {
      namespace: values.namespace,
      pageSize,
      overrides: overridesFromFlags(values),
      onWarning: (message) => io.stderr.write(`restore-guard: ${message}\n`),
      ...(progress
        ? {
            onProgress: (kind: string, listed: number) =>
              io.stderr.write(`\r\u001b[Klisting ${kind}: ${listed}`),
          }
        : {}),
    });
    if (progress) io.stderr.write('\r\u001b[K');
    for (const line of report.skipped) io.stderr.write(`restore-guard: skipped ${line}\n`);
    if (values.output === 'json')
      io.stdout.write(`${JSON.stringify({ results: report.results }, null, 2)}\n`);
    else if (values.output === 'policyreport') {
      io.stdout.write(
        policyReports(report.results)
          .map((r) => stringify(r))
          .join('---\n'),
      );
    } else {
      io.stdout.write(`${textReport(report.results)}\n`);
    }
    const fails = report.results.some((result) =>
      result.findings.some((finding) => finding.severity === 'error'),
    );
    return fails ? EXIT_FAILS : EXIT_OK;
  } catch (error) {
    if (error instanceof AuditError || error instanceof ClusterAccessError) {
      if (progress) io.stderr.write('\r\u001b[K');
      io.stderr.write(`restore-guard audit: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
