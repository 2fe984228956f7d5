// Cluster-derived settings: RuntimeClass handlers and annotations, namespace
// mode labels, and PolicyReports (pure functions, no server).
import { describe, expect, it } from '@jest/globals';
import type { CheckResult } from '../../src/admission/results.js';
import { namespaceModes } from '../../src/cluster/namespaceModes.js';
import { MAX_RESULTS_PER_REPORT, policyReports } from '../../src/cluster/policyReport.js';
import { runtimeClassSettings } from '../../src/cluster/runtimeClasses.js';
import { parseConfig } from '../../src/policy/config.js';

const rc = (name: string, handler: string, annotations: Record<string, string> = {}) => ({
  metadata: { name, annotations },
  handler,
});

describe('runtimeClassSettings', () => {
  const config = parseConfig({
    runtimeClasses: { 'gvisor-fast': { runsc: 'release-20260810.0', overlay2: 'root:memory' } },
  });

  it('takes RuntimeClasses by handler, not by name, with settings from annotations, then configuration', () => {
    const { runtimeClasses, problems } = runtimeClassSettings(
      [
        rc('sandboxed', 'runsc', { 'restore-guard.dev/runsc': 'release-20260803.0' }),
        rc('gvisor-fast', 'runsc'),
        rc('gvisor', 'runc'),
        rc('kata', 'kata-qemu'),
      ],
      config,
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(runtimeClasses)).toEqual({
      sandboxed: { variant: 'fixed', release: 'release-20260803.0', overlay2: 'root:self' },
      'gvisor-fast': { variant: 'fixed', release: 'release-20260810.0', overlay2: 'root:memory' },
    });
  });

  it('follows the configured handlers', () => {
    const custom = parseConfig({ cluster: { runscHandlers: ['gvisor-kvm'] } });
    expect([
      ...runtimeClassSettings([rc('a', 'runsc'), rc('b', 'gvisor-kvm')], custom).runtimeClasses.keys(),
    ]).toEqual(['b']);
  });

  it('reports a bad annotation value and falls back', () => {
    const { runtimeClasses, problems } = runtimeClassSettings(
      [rc('gvisor', 'runsc', { 'restore-guard.dev/runsc': 'newest', 'restore-guard.dev/overlay2': 'disk' })],
      parseConfig({}),
    );
    expect(runtimeClasses.get('gvisor')).toEqual({ variant: 'pre-fix', overlay2: 'root:self' });
    expect(problems).toEqual([
      'RuntimeClass gvisor: annotation restore-guard.dev/runsc: unknown runsc "newest": expected pre-fix, fixed, pod-global or a release name like release-20260803.0; using pre-fix',
      'RuntimeClass gvisor: annotation restore-guard.dev/overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got "disk"; using root:self',
    ]);
  });

  it('lets --runsc override every class', () => {
    const { runtimeClasses } = runtimeClassSettings(
      [rc('gvisor', 'runsc', { 'restore-guard.dev/runsc': 'fixed' })],
      parseConfig({}),
      { runsc: 'pod-global' },
    );
    expect(runtimeClasses.get('gvisor')?.variant).toBe('pod-global');
  });
});

describe('namespaceModes', () => {
  const defaults = parseConfig({}).modes;

  it('applies restore-guard.dev/mode to every class, and class labels over it', () => {
    expect(
      namespaceModes(
        'a',
        { 'restore-guard.dev/mode': 'audit', 'restore-guard.dev/restore-pods': 'enforce' },
        defaults,
      ),
    ).toEqual({
      modes: { restorePods: 'enforce', pods: 'audit', templates: 'audit' },
      problems: [],
    });
  });

  it('keeps the configured modes without labels', () => {
    expect(namespaceModes('a', undefined, defaults).modes).toEqual(defaults);
  });

  it('ignores a bad value with a clear problem line', () => {
    expect(namespaceModes('team-a', { 'restore-guard.dev/pods': 'block' }, defaults)).toEqual({
      modes: defaults,
      problems: [
        'namespace team-a: label restore-guard.dev/pods="block" is not one of enforce, warn, audit, off; ignoring it',
      ],
    });
  });
});

describe('policyReports', () => {
  const result = (namespace: string, name: string, severity: 'error' | 'warning' | null): CheckResult => ({
    source: `/api/v1/namespaces/${namespace}/pods/${name}`,
    kind: 'Pod',
    namespace,
    name,
    restore: false,
    runsc: 'pre-fix',
    runtimeClass: 'gvisor',
    verdict: severity ? 'restore-would-fail' : 'ok',
    simulation: { savedOwners: [], restoreKeys: [], error: null, stage: null, inferred: false },
    findings: severity
      ? [
          {
            rule: 'shared-overlay-duplicate',
            severity,
            message: `[shared-overlay-duplicate] ${'x'.repeat(3000)}`,
            reason: 'r',
            fix: 'f',
            containers: ['b'],
            volume: 'ws',
            inferred: false,
            docs: 'docs/rules.md#shared-overlay-duplicate',
          },
        ]
      : [],
  });

  it('makes one report per namespace with failures first, short messages and a summary', () => {
    const reports = policyReports(
      [result('b', 'p1', null), result('a', 'p2', 'warning'), result('b', 'p3', 'error')],
      new Date(0),
    );
    expect(reports.map((r) => [r.metadata.namespace, r.summary])).toEqual([
      ['a', { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 }],
      ['b', { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 }],
    ]);
    const b = reports[1];
    expect(b?.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
    expect(b?.results[0]).toMatchObject({
      policy: 'shared-overlay-duplicate',
      result: 'fail',
      severity: 'high',
      resources: [{ kind: 'Pod', name: 'p3', namespace: 'b', apiVersion: 'v1' }],
    });
    expect(String(b?.results[0]?.message).length).toBe(1000);
  });

  it('caps results so a report stays far below the etcd object limit, and says how many it left out', () => {
    const many = Array.from({ length: MAX_RESULTS_PER_REPORT + 20 }, (_, i) =>
      result('big', `p${i}`, 'error'),
    );
    const [report] = policyReports(many);
    expect(report?.results).toHaveLength(MAX_RESULTS_PER_REPORT);
    expect(report?.summary.fail).toBe(MAX_RESULTS_PER_REPORT + 20);
    expect(report?.metadata.annotations).toEqual({ 'restore-guard.dev/results-left-out': '20' });
    expect(JSON.stringify(report).length).toBeLessThan(1024 * 1024);
  });
});
