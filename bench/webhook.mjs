// npm run bench: restore-guard's webhook against the bound (a bare Fastify
// server, same TLS and body parsing, no policy work), alternately, with the
// same payloads and autocannon at 32 connections. Prints a markdown table for
// docs/benchmarks.md. BENCH_SECONDS (default 10) sets each run's length.
import autocannon from 'autocannon';
import {
  bugDeployment,
  certificateFiles,
  freePort,
  loadSeed,
  restoreGuardArgs,
  review,
  rssMiB,
  startServer,
} from './common.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;
const ROUNDS = 2;

const seed = loadSeed();
const large = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'large',
    annotations: {
      'dev.gvisor.spec.mount.shared.type': 'tmpfs',
      'dev.gvisor.spec.mount.shared.share': 'pod',
    },
  },
  spec: {
    runtimeClassName: 'gvisor',
    containers: Array.from({ length: 50 }, (_, i) => ({
      name: `worker-${i}`,
      image: 'registry.example.com/worker:1.0',
      volumeMounts: [
        { name: 'shared', mountPath: '/shared' },
        { name: `scratch-${i % 5}`, mountPath: `/scratch` },
      ],
    })),
    volumes: [
      { name: 'shared', emptyDir: {} },
      ...Array.from({ length: 5 }, (_, i) => ({ name: `scratch-${i}`, emptyDir: {} })),
    ],
  },
};
const PAYLOADS = [
  ['seed restore pod (denied)', review(seed)],
  [
    'plain runc pod (skipped)',
    review({ ...seed, metadata: { name: 'plain' }, spec: { ...seed.spec, runtimeClassName: 'runc' } }),
  ],
  ['gVisor pod, 50 containers', review(large)],
  ['Deployment (warned)', review(bugDeployment(seed), 'Deployment')],
];

/** autocannon POSTing one review to a server at 32 connections; `options` sets duration or amount. */
function post(port, body, options) {
  return autocannon({
    url: `https://127.0.0.1:${port}/validate?timeout=10s`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
    tlsOptions: { rejectUnauthorized: false },
    ...options,
  });
}

async function load(port, body) {
  const result = await post(port, body, { duration: SECONDS });
  if (result.non2xx || result.errors)
    throw new Error(`errors: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
  };
}

const certificate = await certificateFiles();
const boundPort = await freePort();
const guardPort = await freePort();
const bound = await startServer(
  'bound',
  ['bench/bound-server.mjs', certificate.certFile, certificate.keyFile, String(boundPort)],
  boundPort,
);
const guard = await startServer('restore-guard', restoreGuardArgs(guardPort, certificate), guardPort);

// Warm both up (V8 sizes its heap to the load over the first tens of
// thousands of requests), then remember restore-guard's memory.
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 10_000);
for (const [, body] of PAYLOADS) {
  for (const port of [boundPort, guardPort]) await post(port, body, { amount: WARM_UP });
}
const rssBefore = rssMiB(guard.pid);

const rows = [];
let guardRequests = 0;
for (const [label, body] of PAYLOADS) {
  const runs = { bound: [], guard: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.bound.push(await load(boundPort, body));
    const result = await load(guardPort, body);
    guardRequests += result.total;
    runs.guard.push(result);
  }
  const mean = (list, key) => list.reduce((sum, run) => sum + run[key], 0) / list.length;
  rows.push({
    label,
    boundRps: mean(runs.bound, 'rps'),
    guardRps: mean(runs.guard, 'rps'),
    boundP50: mean(runs.bound, 'p50'),
    boundP99: mean(runs.bound, 'p99'),
    guardP50: mean(runs.guard, 'p50'),
    guardP99: mean(runs.guard, 'p99'),
  });
}
const rssAfter = rssMiB(guard.pid);
bound.kill('SIGTERM');
guard.kill('SIGTERM');

console.log(
  `node ${process.version}, ${new Date().toISOString()}, ${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s per server and payload, alternating`,
);
console.log('');
console.log(
  '| payload | bound req/s | restore-guard req/s | ratio | bound p50 / p99 | restore-guard p50 / p99 |',
);
console.log('|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.label} | ${row.boundRps.toFixed(0)} | ${row.guardRps.toFixed(0)} | ${(row.guardRps / row.boundRps).toFixed(2)} | ${row.boundP50.toFixed(0)} / ${row.boundP99.toFixed(0)} ms | ${row.guardP50.toFixed(0)} / ${row.guardP99.toFixed(0)} ms |`,
  );
}
console.log('');
console.log(
  `restore-guard resident memory: ${rssBefore.toFixed(1)} MiB after warm-up, ${rssAfter.toFixed(1)} MiB after ${guardRequests} more requests (${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)}%)`,
);
