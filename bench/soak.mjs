// npm run soak: a steady load on restore-guard for SOAK_MINUTES (default 5)
// at SOAK_RATE requests per second (default 1000), printing resident memory
// and latency every 10 seconds. Not part of npm test. Payloads rotate through
// a denied restore pod, a warned Deployment and a skipped runc pod.
// The server runs with the Deployment's heap flags (SOAK_HEAP_MIB sets
// another old-generation limit; 0 runs it with V8's own defaults).
import autocannon from 'autocannon';
import {
  bugDeployment,
  certificateFiles,
  deploymentHeapFlags,
  freePort,
  loadSeed,
  restoreGuardArgs,
  review,
  rssMiB,
  startServer,
} from './common.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 5);
const RATE = Number(process.env.SOAK_RATE ?? 1000);

const port = await freePort();
const HEAP_MIB = process.env.SOAK_HEAP_MIB;
const heapFlags = HEAP_MIB === '0' ? [] : deploymentHeapFlags(HEAP_MIB);
const child = await startServer(
  'restore-guard',
  [...heapFlags, ...restoreGuardArgs(port, await certificateFiles())],
  port,
);

const seed = loadSeed();
const deployment = bugDeployment(seed, 'd');
const bodies = [
  review(seed, 'Pod', 'soak-1'),
  review(deployment, 'Deployment', 'soak-2'),
  review({ ...seed, spec: { ...seed.spec, runtimeClassName: 'runc' } }, 'Pod', 'soak-3'),
];

const rss = () => rssMiB(child.pid);
let samples = [];
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
  samples.push(responseTime);
});
instance.on('reqError', () => {
  errors += 1;
});
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
console.log(
  `soak: ${MINUTES} min at ${RATE} req/s, server ${heapFlags.length > 0 ? heapFlags.join(' ') : "with V8's default heap"}, node ${process.version}, ${new Date().toISOString()}`,
);
console.log('elapsed | req/s | p50 ms | p99 ms | max ms | RSS MiB | errors');
const timer = setInterval(() => {
  const sorted = samples.sort((a, b) => a - b);
  console.log(
    `${String(Math.round((Date.now() - started) / 1000)).padStart(5)} s | ${String(Math.round(sorted.length / 10)).padStart(5)} | ${percentile(sorted, 50).toFixed(1).padStart(6)} | ${percentile(sorted, 99).toFixed(1).padStart(6)} | ${(sorted.at(-1) ?? 0).toFixed(1).padStart(6)} | ${rss().toFixed(1).padStart(7)} | ${errors}`,
  );
  samples = [];
}, 10_000);
await instance;
clearInterval(timer);
console.log(`done: ${total} requests, ${errors} errors, final RSS ${rss().toFixed(1)} MiB`);
child.kill('SIGTERM');
