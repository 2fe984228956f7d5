// npm run soak: a steady load on restore-guard for SOAK_MINUTES (default 5)
// at SOAK_RATE requests per second (default 1000), printing resident memory
// and latency every 10 seconds. Not part of npm test. Payloads rotate through
// a denied restore pod, a warned Deployment and a skipped runc pod.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generate } from 'selfsigned';
import { parse } from 'yaml';

const ROOT = new URL('..', import.meta.url).pathname;
const MINUTES = Number(process.env.SOAK_MINUTES ?? 5);
const RATE = Number(process.env.SOAK_RATE ?? 1000);

const port = await new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'restore-guard-soak-'));
const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
  keyType: 'ec',
  algorithm: 'sha256',
});
writeFileSync(join(dir, 'tls.crt'), pems.cert);
writeFileSync(join(dir, 'tls.key'), pems.private);
const child = spawn(
  process.execPath,
  [
    'dist/cli.js',
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--tls-cert',
    join(dir, 'tls.crt'),
    '--tls-key',
    join(dir, 'tls.key'),
  ],
  { cwd: ROOT, stdio: 'ignore' },
);
const healthy = () =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
for (let i = 0; i < 100 && !(await healthy()); i++) await new Promise((r) => setTimeout(r, 50));

const seed = parse(
  readFileSync(join(ROOT, 'test/fixtures/real/03_runsc-task-restore_ws-shared-restore.yaml'), 'utf8'),
);
const review = (object, kind, n) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `soak-${n}`,
      kind: { kind },
      operation: 'CREATE',
      namespace: 'default',
      object,
      dryRun: false,
    },
  });
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
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
const bodies = [
  review(seed, 'Pod', 1),
  review(deployment, 'Deployment', 2),
  review({ ...seed, spec: { ...seed.spec, runtimeClassName: 'runc' } }, 'Pod', 3),
];

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;
let window = [];
let errors = 0;
let total = 0;
const started = Date.now();
const instance = autocannon({
  url: `https://127.0.0.1:${port}/validate`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  connections: 16,
  overallRate: RATE,
  duration: MINUTES * 60,
  tlsOptions: { rejectUnauthorized: false },
  requests: bodies.map((body) => ({ body })),
});
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  total += 1;
  if (statusCode !== 200) errors += 1;
  window.push(responseTime);
});
instance.on('reqError', () => {
  errors += 1;
});
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
console.log(`soak: ${MINUTES} min at ${RATE} req/s, node ${process.version}, ${new Date().toISOString()}`);
console.log('elapsed | req/s | p50 ms | p99 ms | max ms | RSS MiB | errors');
const timer = setInterval(() => {
  const sorted = window.sort((a, b) => a - b);
  console.log(
    `${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s | ${String(Math.round(sorted.length / 10)).padStart(5)} | ${percentile(sorted, 50).toFixed(1).padStart(6)} | ${percentile(sorted, 99).toFixed(1).padStart(6)} | ${(sorted.at(-1) ?? 0).toFixed(1).padStart(6)} | ${rss().toFixed(1).padStart(7)} | ${errors}`,
  );
  window = [];
}, 10_000);
await instance;
clearInterval(timer);
console.log(`done: ${total} requests, ${errors} errors, final RSS ${rss().toFixed(1)} MiB`);
child.kill('SIGTERM');
