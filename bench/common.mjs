// What the benchmark scripts share: free ports, a throwaway certificate,
// starting a server process and waiting until it answers, its resident memory,
// and the AdmissionReviews they send.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { parse } from 'yaml';

export const ROOT = new URL('..', import.meta.url).pathname;

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for localhost in a new directory: { certFile, keyFile }. */
export async function certificateFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'restore-guard-bench-'));
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  writeFileSync(join(dir, 'tls.crt'), pems.cert);
  writeFileSync(join(dir, 'tls.key'), pems.private);
  return { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
}

/** One request to a local server (a POST of `body`, or a GET without): { status, text }. */
export function fetchText(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: body === undefined ? 'GET' : 'POST',
        path,
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function healthz(port) {
  return fetchText(port, '/healthz').then(
    ({ status }) => status === 200,
    () => false,
  );
}

/** Starts `node ...args` (output discarded, as a server logging to nowhere) and waits for /healthz on `port`. */
export async function startServer(label, args, port) {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await healthz(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await healthz(port))) throw new Error(`${label} did not start`);
  return child;
}

/**
 * The V8 flags the Deployment runs restore-guard with (its NODE_OPTIONS, read
 * from deploy/base/deployment.yaml), so the benchmarks measure what is shipped.
 * With `oldSpaceMiB`, that old-generation limit instead of the Deployment's.
 */
export function deploymentHeapFlags(oldSpaceMiB) {
  const deployment = parse(readFileSync(join(ROOT, 'deploy/base/deployment.yaml'), 'utf8'));
  const nodeOptions = deployment.spec.template.spec.containers[0].env.find(
    (variable) => variable.name === 'NODE_OPTIONS',
  ).value;
  const flags = nodeOptions.split(/\s+/).filter(Boolean);
  if (oldSpaceMiB === undefined) return flags;
  return [
    `--max-old-space-size=${oldSpaceMiB}`,
    ...flags.filter((flag) => !flag.startsWith('--max-old-space-size=')),
  ];
}

/** restore-guard serve on `port` with the certificate files. */
export function restoreGuardArgs(port, { certFile, keyFile }) {
  return [
    'dist/cli.js',
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--tls-cert',
    certFile,
    '--tls-key',
    keyFile,
  ];
}

/** CPU time a process has used, user and system, all threads: seconds (/proc counts in USER_HZ, fixed at 100). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

export function loadSeed() {
  return parse(
    readFileSync(join(ROOT, 'test/fixtures/real/03_runsc-task-restore_ws-shared-restore.yaml'), 'utf8'),
  );
}

export function review(object, kind = 'Pod', uid = '7e4f0a0c-1b2c-4d5e-8f90-123456789abc') {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: kind === 'Pod' ? '' : 'apps', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: `${kind.toLowerCase()}s` },
      operation: 'CREATE',
      namespace: 'default',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters'] },
      object,
      oldObject: null,
      dryRun: false,
    },
  });
}

/** The bug's configuration in a Deployment template: a disk-backed tmpfs shared by the seed's containers. */
export function bugDeployment(seed, name = 'counter') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      template: {
        metadata: {
          annotations: {
            'dev.gvisor.spec.mount.workspace.type': 'bind',
            'dev.gvisor.spec.mount.workspace.share': 'pod',
          },
        },
        spec: seed.spec,
      },
    },
  };
}
