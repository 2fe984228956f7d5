// The fake apiserver, driven by the real @kubernetes/client-node client.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  type Informer,
  KubeConfig,
  makeInformer,
  NodeV1Api,
  type V1Namespace,
} from '@kubernetes/client-node';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.js';

let fake: FakeApiServer;
let core: CoreV1Api;
const informers: Array<Informer<V1Namespace>> = [];

function configFrom(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function apiError(promise: Promise<unknown>): Promise<ApiException<unknown>> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiException)) throw new Error(`expected an ApiException, got ${String(error)}`);
  return error;
}

const pod = (namespace: string, name: string) => ({
  metadata: { namespace, name },
  spec: { containers: [] },
});

beforeAll(async () => {
  fake = await startFakeApiServer();
  core = configFrom(fake.kubeconfigPath).makeApiClient(CoreV1Api);
});

afterAll(async () => {
  for (const informer of informers) await informer.stop();
  await fake?.close();
});

describe('fake apiserver with @kubernetes/client-node', () => {
  it('pages a list with limit and continue, from a snapshot of the first page', async () => {
    fake.set('pods', [pod('b', 'p4'), pod('a', 'p2'), pod('b', 'p3'), pod('a', 'p1'), pod('c', 'p5')]);
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2, _continue: token });
      if (pages === 0) {
        expect(page.metadata?.remainingItemCount).toBe(3);
        fake.upsert('pods', pod('a', 'p0')); // not in the snapshot being paged
      }
      expect(page.items.every((item) => item.kind === 'Pod' && item.metadata?.resourceVersion)).toBe(true);
      names.push(...page.items.map((item) => `${item.metadata?.namespace}/${item.metadata?.name}`));
      token = page.metadata?._continue;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['a/p1', 'a/p2', 'b/p3', 'b/p4', 'c/p5']);
    expect(fake.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query.limit)).toEqual([
      '2',
      '2',
      '2',
    ]);
  });

  it('answers an expired continue token with 410 Expired', async () => {
    const first = await core.listPodForAllNamespaces({ limit: 2 });
    fake.expireContinueTokens();
    const error = await apiError(
      core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata?._continue }),
    );
    expect(error.code).toBe(410);
    expect(JSON.parse(String(error.body))).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('rejects a wrong bearer token with 401 and injects 403 on request', async () => {
    const stranger = configFrom(fake.writeKubeconfig({ token: 'wrong' })).makeApiClient(CoreV1Api);
    expect((await apiError(stranger.listNamespace())).code).toBe(401);

    fake.failNext('pods', 403);
    const forbidden = await apiError(core.listNamespacedPod({ namespace: 'a' }));
    expect(forbidden.code).toBe(403);
    expect(JSON.parse(String(forbidden.body)).message).toBe(
      'pods is forbidden: User "system:serviceaccount:x:y" cannot list resource "pods" in API group "" in the namespace "a"',
    );
    expect((await core.listNamespacedPod({ namespace: 'a' })).items.map((p) => p.metadata?.name)).toEqual([
      'p0',
      'p1',
      'p2',
    ]);
  });

  it('serves other API groups', async () => {
    const kc = configFrom(fake.kubeconfigPath);
    fake.set('runtimeclasses', [{ metadata: { name: 'gvisor' }, handler: 'runsc' }]);
    fake.set('deployments', [
      { metadata: { namespace: 'a', name: 'web' }, spec: { selector: {}, template: {} } },
    ]);
    const classes = await kc.makeApiClient(NodeV1Api).listRuntimeClass();
    expect(classes.items.map((rc) => [rc.metadata?.name, rc.handler])).toEqual([['gvisor', 'runsc']]);
    const deployments = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'a' });
    expect(deployments.items.map((d) => d.metadata?.name)).toEqual(['web']);
  });

  it('drives an informer through watch events, dropped watches and compaction', async () => {
    fake.set('namespaces', [{ metadata: { name: 'default' } }, { metadata: { name: 'kube-system' } }]);
    const informer = makeInformer(configFrom(fake.kubeconfigPath), '/api/v1/namespaces', () =>
      core.listNamespace(),
    );
    informers.push(informer);
    const seen: string[] = [];
    const errors: unknown[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (ns) => seen.push(`${verb} ${ns.metadata?.name}`));
    }
    informer.on('error', (error) => errors.push(error));
    const since = fake.requests.length;
    const calls = (watch: boolean) =>
      fake.requests.slice(since).filter((r) => r.path === '/api/v1/namespaces' && !!r.query.watch === watch);
    const lists = () => calls(false).length;

    await informer.start();
    expect(informer.list().map((ns) => ns.metadata?.name)).toEqual(['default', 'kube-system']);

    fake.upsert('namespaces', { metadata: { name: 'team-a' } });
    fake.upsert('namespaces', { metadata: { name: 'team-a', labels: { tier: 'gold' } } });
    await waitFor(() => seen.includes('update team-a'), 'update team-a');
    expect(informer.get('team-a')?.metadata?.labels).toEqual({ tier: 'gold' });

    fake.dropWatches();
    fake.upsert('namespaces', { metadata: { name: 'team-b' } });
    await waitFor(() => seen.includes('add team-b'), 'add team-b after re-watch');
    expect(lists()).toBe(1); // resumed from its resourceVersion, no relist

    fake.upsert('pods', pod('a', 'bump')); // moves the global RV past the informer's
    fake.compactBefore();
    fake.dropWatches();
    await waitFor(() => lists() === 2, 'relist after 410');
    const relisted = String(fake.resourceVersion());
    await waitFor(() => calls(true).at(-1)?.query.resourceVersion === relisted, 'watch from the relisted RV');

    fake.remove('namespaces', undefined, 'team-b');
    await waitFor(() => seen.includes('delete team-b'), 'delete team-b');
    expect(seen.slice(0, 3)).toEqual(['add default', 'add kube-system', 'add team-a']);
    expect(errors).toEqual([]);
  });
});
