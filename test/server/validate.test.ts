// POST /validate over real HTTPS against the real server: decisions, the
// wire protocol, and every early exit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REAL_FIXTURES, SEED_RESTORE } from '../helpers.js';
import { loadObject, policyFrom, review, send, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
const post = (body: unknown, options: Parameters<typeof send>[2] = {}) =>
  send(server.port, server.certificate, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...options,
  });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.shutdown('test done');
});

const seed = loadObject(SEED_RESTORE);
const sharedFolder = loadObject(`${REAL_FIXTURES}/01_gvisor_g3doc_shared-folder-test.yaml`);
const runningPod = loadObject(`${REAL_FIXTURES}/02_runsc-task-restore_ws-shared-pod.yaml`);

describe('decisions', () => {
  it('denies the seed restore pod with 403 and a message naming writer-b and /workspace', async () => {
    const sent = review(seed);
    const { status, json } = await post(sent);
    expect(status).toBe(200);
    expect(json.apiVersion).toBe('admission.k8s.io/v1');
    expect(json.kind).toBe('AdmissionReview');
    expect(json.response.uid).toBe(sent.request.uid);
    expect(json.response.allowed).toBe(false);
    expect(json.response.status.code).toBe(403);
    expect(json.response.status.reason).toBe('Forbidden');
    expect(json.response.status.message).toMatch(
      /^Pod default\/ws-counter-restore would fail to restore on its nodes \(runsc pre-fix\): \[shared-overlay-duplicate\]/,
    );
    expect(json.response.status.message).toContain('restore fails for "writer-b"');
    expect(json.response.status.message).toContain('writer-b:/workspace');
    expect(json.response.status.message).toContain('Fix: run runsc release-20260803.0 or later');
    expect(json.response.status.message).not.toMatch(/[\n\t]/);
    expect(json.response.warnings).toEqual([
      '[shared-overlay-duplicate] shared disk-backed tmpfs restored once per mount; volume "workspace"; containers "writer-b"',
    ]);
    expect(json.response.auditAnnotations).toMatchObject({
      decision: 'denied',
      findings: 'shared-overlay-duplicate:error',
    });
    expect(json.response.patch).toBeUndefined();
  });

  it('judges a dry run exactly like a real request', async () => {
    const real = (await post(review(seed))).json.response;
    const dry = (await post(review(seed, { dryRun: true }))).json.response;
    expect({ ...dry, uid: '' }).toEqual({ ...real, uid: '' });
  });

  it('answers admission.k8s.io/v1beta1 in kind', async () => {
    const { json } = await post(review(seed, {}, 'admission.k8s.io/v1beta1'));
    expect(json.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(json.response.allowed).toBe(false);
  });

  it('allows the in-memory shared-folder pod without warnings', async () => {
    const sent = review(sharedFolder);
    const { json } = await post(sent);
    expect(json.response).toEqual({ uid: sent.request.uid, allowed: true });
  });

  it('allows a Deployment with the bug configuration, with a warning', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'counter', namespace: 'default' },
      spec: { template: { metadata: runningPod.metadata, spec: runningPod.spec } },
    };
    const { json } = await post(review(deployment, { resource: { resource: 'deployments' } }));
    expect(json.response.allowed).toBe(true);
    expect(json.response.warnings).toEqual([
      '[shared-overlay-duplicate] shared disk-backed tmpfs restored once per mount; volume "workspace"; containers "writer-b"',
    ]);
  });

  it('allows DELETE with a null object untouched', async () => {
    const sent = review(null, {
      operation: 'DELETE',
      oldObject: seed,
      kind: { group: '', version: 'v1', kind: 'Pod' },
    });
    const { json } = await post(sent);
    expect(json.response).toEqual({ uid: sent.request.uid, allowed: true });
  });

  it('warns when an ephemeral container mounts the shared volume of a running pod', async () => {
    const withDebugger = {
      ...runningPod,
      spec: {
        ...(runningPod.spec as object),
        containers: [(runningPod.spec as { containers: unknown[] }).containers[0]],
        ephemeralContainers: [
          {
            name: 'debugger',
            image: 'busybox',
            volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }],
          },
        ],
      },
    };
    const before = { ...withDebugger, spec: { ...withDebugger.spec, ephemeralContainers: [] } };
    const { json } = await post(
      review(withDebugger, { operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: before }),
    );
    expect(json.response.allowed).toBe(true);
    expect(json.response.warnings).toEqual([
      '[shared-overlay-duplicate] shared disk-backed tmpfs restored once per mount; volume "workspace"; containers "debugger"',
    ]);
  });

  it('never judges an UPDATE that leaves the spec and gVisor annotations alone (e.g. finalizer removal)', async () => {
    const updated = {
      ...seed,
      metadata: { ...(seed.metadata as object), finalizers: [], labels: { a: 'b' } },
    };
    const sent = review(updated, { operation: 'UPDATE', oldObject: seed });
    const { json } = await post(sent);
    expect(json.response).toEqual({ uid: sent.request.uid, allowed: true });
    expect(server.logs.find((line) => line.uid === sent.request.uid)).toMatchObject({
      decision: 'skipped',
      reason: 'pod spec and gVisor annotations unchanged',
    });
  });

  it('allows a pod of another runtime at once, without running the model', async () => {
    const runc = { ...seed, spec: { ...(seed.spec as object), runtimeClassName: 'runc' } };
    const sent = review(runc);
    expect((await post(sent)).json.response).toEqual({ uid: sent.request.uid, allowed: true });
    expect(server.logs.find((line) => line.uid === sent.request.uid)).toMatchObject({
      reason: 'not a gVisor pod',
    });
  });

  it('allows a kind it does not judge, with a log line', async () => {
    const sent = review({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect((await post(sent)).json.response).toEqual({ uid: sent.request.uid, allowed: true });
    expect(server.logs.find((line) => line.uid === sent.request.uid)).toMatchObject({
      decision: 'skipped',
      reason: 'ConfigMap is not a kind restore-guard judges',
    });
  });

  it('answers a review it cannot make sense of with its uid and status 400', async () => {
    const sent = review({ kind: 'Pod', metadata: { name: 'x' } });
    const { status, json } = await post(sent);
    expect(status).toBe(200);
    expect(json.response).toEqual({
      uid: sent.request.uid,
      allowed: false,
      status: { code: 400, reason: 'BadRequest', message: 'Pod: spec: a Pod needs a pod spec' },
    });
  });

  it('answers a request with a uid but a malformed request with status 400 and that uid', async () => {
    const { status, json } = await post({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'u-bad', operation: 7 },
    });
    expect(status).toBe(200);
    expect(json.response.uid).toBe('u-bad');
    expect(json.response.status.code).toBe(400);
  });

  it('logs one line per decision with uid, operation, kind, name, decision, rules and duration, and no object', async () => {
    const sent = review(seed);
    await post(sent);
    const lines = server.logs.filter((line) => line.uid === sent.request.uid);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'admission decision',
      operation: 'CREATE',
      kind: 'Pod',
      namespace: 'default',
      name: 'ws-counter-restore',
      decision: 'denied',
      rules: ['shared-overlay-duplicate'],
      dryRun: false,
    });
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(JSON.stringify(server.logs)).not.toContain('counter:ws'); // the pod's image: bodies stay out of logs
  });
});

describe('early exits', () => {
  it.each([
    ['invalid JSON', '{"apiVersion":', 400],
    ['an empty body', '', 400],
    ['JSON that is not an AdmissionReview', '{"hello":"world"}', 400],
    [
      'an AdmissionReview without a request uid',
      '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}',
      400,
    ],
    [
      'a wrong apiVersion',
      '{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"x"}}',
      400,
    ],
  ])('%s gets HTTP %d with a short JSON error', async (_name, body, code) => {
    const { status, json } = await post(body);
    expect(status).toBe(code);
    expect(Object.keys(json)).toEqual(['error']);
    expect(typeof json.error).toBe('string');
  });

  it('a wrong content type gets 415', async () => {
    const { status, json } = await post(JSON.stringify(review(seed)), {
      headers: { 'content-type': 'text/plain' },
    });
    expect(status).toBe(415);
    expect(Object.keys(json)).toEqual(['error']);
  });

  it('accepts a 3 MiB pod and refuses an 8 MiB body with 413', async () => {
    const padding = 'x'.repeat(3 * 1024 * 1024);
    const big = {
      ...seed,
      metadata: {
        ...(seed.metadata as object),
        annotations: { ...(seed.metadata as { annotations: object }).annotations, padding },
      },
    };
    const accepted = await post(review(big));
    expect(accepted.status).toBe(200);
    expect(accepted.json.response.allowed).toBe(false);
    const huge = await post(JSON.stringify(review({ ...big, padding: 'x'.repeat(8 * 1024 * 1024) })));
    expect(huge.status).toBe(413);
    expect(Object.keys(huge.json)).toEqual(['error']);
  });
});

describe('warnings stay within what the apiserver shows', () => {
  it('caps each at 256 characters and the total at 4096, ends with "and N more", and has no control characters', async () => {
    const containers = Array.from({ length: 120 }, (_, i) => ({
      name: `worker-with-a-rather-long-name-${i}`,
      volumeMounts: [{ name: 'workspace', mountPath: `/data/${i}`, subPath: `part-${i}` }],
    }));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'many',
        annotations: {
          'dev.gvisor.spec.mount.workspace.type': 'tmpfs',
          'dev.gvisor.spec.mount.workspace.share': 'pod',
          'dev.gvisor.spec.mount.workspace.color': 'blue\nwith a newline\tand tab',
        },
      },
      spec: { runtimeClassName: 'gvisor', containers, volumes: [{ name: 'workspace', emptyDir: {} }] },
    };
    const { json } = await post(review(pod));
    const warnings: string[] = json.response.warnings;
    expect(json.response.allowed).toBe(true);
    expect(warnings.length).toBeGreaterThan(10);
    expect(warnings.length).toBeLessThan(121);
    for (const warning of warnings) {
      expect([...warning].length).toBeLessThanOrEqual(256);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting they are absent.
      expect(warning).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
    expect(warnings.reduce((sum, warning) => sum + [...warning].length, 0)).toBeLessThanOrEqual(4096);
    expect(warnings.at(-1)).toMatch(
      /^and \d+ more restore-guard findings \(run restore-guard check for all\)$/,
    );
  });
});

describe('modes and exemptions', () => {
  let custom: TestServer;
  beforeAll(async () => {
    custom = await startTestServer({
      policy: policyFrom({
        modes: { restorePods: 'audit', pods: 'off', templates: 'enforce' },
        exemptions: {
          namespaces: ['ci'],
          users: ['system:serviceaccount:kube-system:replicaset-controller'],
          groups: ['breakglass'],
        },
      }),
    });
  });
  afterAll(() => custom.shutdown('test done'));
  const postCustom = (body: unknown) => send(custom.port, custom.certificate, { body: JSON.stringify(body) });

  it('audit mode allows and records the findings only in audit annotations', async () => {
    const sent = review(seed);
    const { json } = await postCustom(sent);
    expect(json.response).toEqual({
      uid: sent.request.uid,
      allowed: true,
      auditAnnotations: {
        decision: 'audited',
        findings: 'shared-overlay-duplicate:error',
        'runsc-error': expect.stringMatching(/^inconsistent private memory files on restore: /),
      },
    });
  });

  it('skips an exempt namespace, user or group', async () => {
    for (const request of [
      { namespace: 'ci' },
      { userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' } },
      { userInfo: { username: 'bob', groups: ['breakglass'] } },
    ]) {
      const sent = review(seed, request);
      expect((await postCustom(sent)).json.response).toEqual({ uid: sent.request.uid, allowed: true });
    }
  });

  it('enforce on templates denies one that can never start', async () => {
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        template: {
          metadata: {
            annotations: {
              'dev.gvisor.spec.mount.data.type': 'bind',
              'dev.gvisor.spec.mount.data.share': 'pod',
            },
          },
          spec: {
            runtimeClassName: 'gvisor',
            containers: [{ name: 'db', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
            volumes: [{ name: 'data', hostPath: { path: '/srv' } }],
          },
        },
      },
    };
    const { json } = await postCustom(review(statefulSet));
    expect(json.response.allowed).toBe(false);
    expect(json.response.status.message).toMatch(
      /^StatefulSet default\/db would never start on its nodes \(runsc pre-fix\): \[hint-unknown-volume\]/,
    );
  });
});

describe('internal errors', () => {
  it('still answer HTTP 200 with the uid and status 500, so failurePolicy decides', async () => {
    const policy = policyFrom();
    // A RuntimeClass setting that bypassed validation makes the model throw.
    policy.settings.runtimeClasses.set('gvisor', { variant: 'pre-fix', overlay2: 'bogus' });
    const broken = await startTestServer({ policy });
    try {
      const sent = review(seed);
      const { status, json } = await send(broken.port, broken.certificate, { body: JSON.stringify(sent) });
      expect(status).toBe(200);
      expect(json.response).toEqual({
        uid: sent.request.uid,
        allowed: false,
        status: { code: 500, reason: 'InternalError', message: 'restore-guard internal error' },
      });
      expect(broken.logs.find((line) => line.uid === sent.request.uid)).toMatchObject({ level: 50 });
    } finally {
      await broken.shutdown('test done');
    }
  });
});

describe('the apiserver timeout', () => {
  it('does not answer a decision that comes after ?timeout (the apiserver has given up)', async () => {
    const sent = review(seed);
    await expect(post(sent, { path: '/validate?timeout=0s' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.logs.find((line) => line.uid === sent.request.uid && line.level === 40)).toMatchObject({
      msg: 'decision came after the apiserver timeout; not answering',
      timeoutMs: 0,
    });
  });
});

describe('found by fuzzing', () => {
  it('answers a review carrying a "__proto__" key (e.g. in userInfo.extra) with its uid', async () => {
    const sent = review(sharedFolder);
    const text = JSON.stringify(sent).replace(
      '"userInfo":{',
      '"userInfo":{"extra":{"__proto__":{"polluted":["yes"]}},',
    );
    const { status, json } = await post(text);
    expect(status).toBe(200);
    expect(json.response).toEqual({ uid: sent.request.uid, allowed: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps metric labels bounded whatever kind and operation a body claims', async () => {
    await post(
      review(seed, { operation: 'EXPLODE-1', kind: { group: '', version: 'v1', kind: 'Whatever-1' } }),
    );
    const { text } = await send(server.port, server.certificate, { method: 'GET', path: '/metrics' });
    expect(text).not.toContain('EXPLODE-1');
    expect(text).not.toContain('Whatever-1');
    expect(text).toContain(
      'restore_guard_admission_requests_total{operation="other",kind="other",decision="skipped",dry_run="false"}',
    );
  });
});
