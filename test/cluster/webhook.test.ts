// The webhook following the cluster: caches of Namespaces and RuntimeClasses
// from a local server that speaks the apiserver's list and watch format.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { ClusterCaches } from '../../src/cluster/caches.js';
import { parseConfig } from '../../src/policy/config.js';
import { review, send, startTestServer, type TestServer } from '../server/harness.js';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.js';
import { namespace, runtimeClass, seedPod, waitFor } from './objects.js';

let fake: FakeApiServer;
let caches: ClusterCaches;
let server: TestServer;
const logs: Array<Record<string, unknown>> = [];

const decisionFor = async (ns: string) => {
  const { json } = await send(server.port, server.certificate, {
    body: JSON.stringify(review(seedPod(ns), { namespace: ns })),
  });
  return json.response;
};

beforeAll(async () => {
  fake = await startFakeApiServer();
  fake.set('namespaces', [namespace('team-a'), namespace('team-b', { 'restore-guard.dev/mode': 'audit' })]);
  fake.set('runtimeclasses', [runtimeClass('gvisor', 'runsc')]);
  const kc = new KubeConfig();
  kc.loadFromFile(fake.kubeconfigPath);
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  caches = new ClusterCaches(kc, parseConfig({}), log, {}, { retryMs: 100 });
  server = await startTestServer({
    policy: (ns) => caches.policyFor(ns),
    dependenciesReady: () => caches.synced,
    onClose: () => caches.stop(),
  });
});
afterAll(async () => {
  await server.shutdown('test done');
  await fake.close();
});

describe('serve --cluster', () => {
  it('is not ready until the caches have synced, then is', async () => {
    const before = await send(server.port, server.certificate, { method: 'GET', path: '/readyz' });
    expect(before).toMatchObject({ status: 503, json: { status: 'cluster caches not synced' } });
    void caches.start();
    await waitFor(
      async () =>
        (await send(server.port, server.certificate, { method: 'GET', path: '/readyz' })).status === 200,
      'ready',
    );
    expect(
      fake.requests
        .filter((r) => r.query.watch === 'true')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/api/v1/namespaces', '/apis/node.k8s.io/v1/runtimeclasses']);
  });

  it('denies in a namespace without labels, and only audits where a label says so', async () => {
    expect((await decisionFor('team-a')).status?.code).toBe(403);
    const audited = await decisionFor('team-b');
    expect(audited.allowed).toBe(true);
    expect(audited.auditAnnotations.decision).toBe('audited');
  });

  it('follows a namespace label that flips the mode, through the watch', async () => {
    fake.upsert('namespaces', namespace('team-a', { 'restore-guard.dev/restore-pods': 'warn' }));
    await waitFor(async () => (await decisionFor('team-a')).allowed === true, 'team-a to warn');
    expect((await decisionFor('team-a')).warnings).toHaveLength(1);
  });

  it('logs a bad label value once and keeps the configured mode', async () => {
    fake.upsert('namespaces', namespace('team-c', { 'restore-guard.dev/mode': 'block' }));
    await waitFor(async () => (await decisionFor('team-c')).allowed === false, 'team-c judged');
    await decisionFor('team-c');
    const problems = logs.filter((line) => String(line.msg).startsWith('namespace team-c:'));
    expect(problems.map((line) => line.msg)).toEqual([
      'namespace team-c: label restore-guard.dev/mode="block" is not one of enforce, warn, audit, off; ignoring it',
    ]);
  });

  it('follows a RuntimeClass upgrade annotation after the watch drops and resumes', async () => {
    fake.dropWatches();
    fake.upsert(
      'runtimeclasses',
      runtimeClass('gvisor', 'runsc', { 'restore-guard.dev/runsc': 'release-20260803.0' }),
    );
    await waitFor(async () => (await decisionFor('team-c')).allowed === true, 'the fixed release to apply');
  });

  it('stops treating pods as gVisor when the handler is not runsc', async () => {
    fake.upsert('runtimeclasses', runtimeClass('gvisor', 'runc'));
    await waitFor(async () => {
      const response = await decisionFor('team-c');
      return (
        response.allowed === true &&
        response.warnings === undefined &&
        response.auditAnnotations === undefined
      );
    }, 'the pod to be skipped');
  });

  it('relists after its resource version is compacted away (410)', async () => {
    const lists = () =>
      fake.requests.filter(
        (r) => r.path === '/apis/node.k8s.io/v1/runtimeclasses' && r.query.watch === undefined,
      ).length;
    const listsBefore = lists();
    fake.upsert('namespaces', namespace('team-z')); // move the resource version past the RuntimeClass watch
    fake.compactBefore();
    fake.dropWatches();
    fake.upsert('runtimeclasses', runtimeClass('gvisor', 'runsc'));
    await waitFor(() => lists() > listsBefore, 'a relist of runtimeclasses', 8000);
    await waitFor(
      async () => (await decisionFor('team-c')).allowed === false,
      'the relisted RuntimeClass',
      8000,
    );
  });
});

describe('serve --cluster with bad credentials', () => {
  it('stays not ready, logs why, and retries', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(fake.writeKubeconfig({ token: 'wrong' }));
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const rejected = new ClusterCaches(kc, parseConfig({}), log, {}, { retryMs: 50 });
    void rejected.start();
    try {
      await waitFor(
        () => lines.filter((line) => String(line.msg).includes('unauthorized (401)')).length >= 4,
        'retries',
      );
      expect(rejected.synced).toBe(false);
      expect(lines[0]?.msg).toMatch(
        /^list\/watch failed: unauthorized \(401\): https:\/\/127\.0\.0\.1:\d+ rejected the credentials; retrying$/,
      );
    } finally {
      await rejected.stop();
    }
  });
});
