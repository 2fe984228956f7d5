// restore-guard audit against a local server that speaks the apiserver's
// list format: paging, RuntimeClass handlers and annotations, expired
// continue tokens, and the errors that make it exit 2.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { runAudit } from '../../src/cluster/audit.js';
import { parseConfig } from '../../src/policy/config.js';
import { runCli } from '../cli/run.js';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.js';
import { deployment, plainPod, runtimeClass, seedPod } from './objects.js';

let fake: FakeApiServer;

beforeAll(async () => {
  fake = await startFakeApiServer();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.set('runtimeclasses', [runtimeClass('gvisor', 'runsc'), runtimeClass('runc', 'runc')]);
  fake.set('pods', [
    seedPod('team-a'),
    plainPod('team-a', 'ok-1'),
    plainPod('team-b', 'ok-2'),
    plainPod('team-b', 'ok-3'),
    plainPod('team-b', 'plain-runc', 'runc'),
  ]);
  fake.set('deployments', [deployment('team-b', 'counter')]);
  fake.requests.length = 0;
});

describe('audit', () => {
  it('pages through every kind, judges as the webhook would, and exits 1 when something would fail', async () => {
    const { code, stdout, stderr } = await runCli([
      'audit',
      '--kubeconfig',
      fake.kubeconfigPath,
      '--page-size',
      '2',
      '-o',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const results = JSON.parse(stdout).results as Array<{ source: string; verdict: string; runsc: string }>;
    expect(results.map((r) => [r.source, r.verdict])).toEqual([
      ['/api/v1/namespaces/team-a/pods/ok-1', 'ok'],
      ['/api/v1/namespaces/team-a/pods/ws-counter-restore', 'fails-to-restore'],
      ['/api/v1/namespaces/team-b/pods/ok-2', 'ok'],
      ['/api/v1/namespaces/team-b/pods/ok-3', 'ok'],
      ['/api/v1/namespaces/team-b/pods/plain-runc', 'not-gvisor'],
      ['/apis/apps/v1/namespaces/team-b/deployments/counter', 'restore-would-fail'],
    ]);
    const podPages = fake.requests.filter((r) => r.path === '/api/v1/pods');
    expect(podPages.map((r) => [r.query.limit, Boolean(r.query.continue)])).toEqual([
      ['2', false],
      ['2', true],
      ['2', true],
    ]);
    expect(fake.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('follows the RuntimeClass handler and its runsc annotation', async () => {
    fake.set('runtimeclasses', [
      runtimeClass('gvisor', 'runsc', { 'restore-guard.dev/runsc': 'release-20260803.0' }),
    ]);
    const { code, stdout } = await runCli([
      'audit',
      '--kubeconfig',
      fake.kubeconfigPath,
      '-n',
      'team-a',
      '-o',
      'json',
    ]);
    expect(code).toBe(0);
    const results = JSON.parse(stdout).results;
    expect(
      results.map((r: { name: string; runsc: string; release: string }) => [r.name, r.runsc, r.release]),
    ).toEqual([
      ['ok-1', 'fixed', 'release-20260803.0'],
      ['ws-counter-restore', 'fixed', 'release-20260803.0'],
    ]);
    expect(fake.requests.some((r) => r.path === '/api/v1/namespaces/team-a/pods')).toBe(true);
  });

  it('treats a class whose handler is not runsc as not gVisor, whatever its name', async () => {
    fake.set('runtimeclasses', [runtimeClass('gvisor', 'runc')]);
    const { code, stdout } = await runCli(['audit', '--kubeconfig', fake.kubeconfigPath, '-o', 'json']);
    expect(code).toBe(0);
    expect(new Set(JSON.parse(stdout).results.map((r: { verdict: string }) => r.verdict))).toEqual(
      new Set(['not-gvisor']),
    );
  });

  it('lists again from the start when a continue token expires mid-list, without duplicates', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(fake.kubeconfigPath);
    const warnings: string[] = [];
    let expired = false;
    const report = await runAudit(kc, parseConfig({}), {
      pageSize: 2,
      overrides: {},
      onWarning: (message) => warnings.push(message),
      onProgress: (kind, listed) => {
        if (kind === 'Pod' && listed === 2 && !expired) {
          expired = true;
          fake.expireContinueTokens();
        }
      },
    });
    expect(warnings).toEqual([
      'the list of /api/v1/pods expired mid-way (410); listing it again from the start',
    ]);
    expect(report.results.filter((r) => r.kind === 'Pod').map((r) => r.name)).toEqual([
      'ok-1',
      'ws-counter-restore',
      'ok-2',
      'ok-3',
      'plain-runc',
    ]);
  });

  it('prints PolicyReports, one per namespace', async () => {
    const { code, stdout } = await runCli([
      'audit',
      '--kubeconfig',
      fake.kubeconfigPath,
      '-o',
      'policyreport',
    ]);
    expect(code).toBe(1);
    const reports = parseAllDocuments(stdout).map((doc) => doc.toJS());
    expect(
      reports.map((r) => [r.kind, r.metadata.namespace, r.summary.fail, r.summary.warn, r.summary.pass]),
    ).toEqual([
      ['PolicyReport', 'team-a', 1, 0, 1],
      ['PolicyReport', 'team-b', 0, 1, 2],
    ]);
  });

  it('prints a summary for people', async () => {
    const { stdout } = await runCli(['audit', '--kubeconfig', fake.kubeconfigPath]);
    expect(stdout).toContain(
      '6 objects: 0 fail to start, 1 fail to restore, 1 would fail if restored, 3 ok, 1 not gVisor',
    );
    expect(stdout).toMatch(
      /Findings by rule:\n +2 +shared-overlay-duplicate \(error\)|Findings by rule:\n +1 +shared-overlay-duplicate/,
    );
    expect(stdout).toContain('fails-to-restore   Pod team-a/ws-counter-restore: shared-overlay-duplicate');
  });
});

describe('audit exits 2 with one line when it cannot run', () => {
  it('unauthorized', async () => {
    const { code, stderr } = await runCli([
      'audit',
      '--kubeconfig',
      fake.writeKubeconfig({ token: 'wrong' }),
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `restore-guard audit: cannot list runtimeclasses: unauthorized (401): ${fake.url} rejected the credentials\n`,
    );
  });

  it('forbidden', async () => {
    fake.failNext('deployments', 403);
    const { code, stderr } = await runCli(['audit', '--kubeconfig', fake.kubeconfigPath]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'restore-guard audit: cannot list /apis/apps/v1/deployments: forbidden (403): deployments is forbidden: User "system:serviceaccount:x:y" cannot list resource "deployments" in API group "apps" at the cluster scope (see docs/rbac.md for the permissions needed)\n',
    );
  });

  it('no cluster there', async () => {
    const other = await startFakeApiServer();
    // A kubeconfig that outlives the server it points at.
    const dir = mkdtempSync(join(tmpdir(), 'restore-guard-gone-'));
    const path = join(dir, 'kubeconfig');
    copyFileSync(other.writeKubeconfig(), path);
    await other.close();
    const { code, stderr } = await runCli(['audit', '--kubeconfig', path]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^restore-guard audit: cannot list runtimeclasses: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: .+\n$/,
    );
  });

  it('an unknown context', async () => {
    const { code, stderr } = await runCli([
      'audit',
      '--kubeconfig',
      fake.kubeconfigPath,
      '--context',
      'prod',
    ]);
    expect(code).toBe(2);
    expect(stderr).toBe('restore-guard audit: context "prod" is not in the kubeconfig (have: fake)\n');
  });
});
