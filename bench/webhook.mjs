// npm run bench: restore-guard's webhook against two bounds, alternately,
// with the same payloads and autocannon at 32 connections:
// - the bound: a bare Fastify server, same TLS and body parsing, answering
//   "allowed" with no policy work (what the target is set against);
// - the same-answer bound: the same server sending restore-guard's own answer
//   for the payload (uid swapped in), so what is left is restore-guard's work.
// Every server runs with the Deployment's heap flags (its NODE_OPTIONS), as
// restore-guard does in a cluster; BENCH_HEAP=v8-default runs them with V8's
// own defaults. Prints markdown tables for docs/benchmarks.md. BENCH_SECONDS
// (default 10) sets each run's length.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  bugDeployment,
  certificateFiles,
  cpuSeconds,
  deploymentHeapFlags,
  fetchText,
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

/**
 * One timed run against the server `child` listens for on `port`. Besides
 * autocannon's numbers, the server's CPU time per request: steadier than req/s
 * when the load generator shares the cores.
 */
async function load(child, port, body) {
  const cpuBefore = cpuSeconds(child.pid);
  const result = await post(port, body, { duration: SECONDS });
  if (result.non2xx || result.errors)
    throw new Error(`errors: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpu: ((cpuSeconds(child.pid) - cpuBefore) / result.requests.total) * 1e6,
    total: result.requests.total,
  };
}

const HEAP_FLAGS = process.env.BENCH_HEAP === 'v8-default' ? [] : deploymentHeapFlags();
const certificate = await certificateFiles();
const answers = mkdtempSync(join(tmpdir(), 'restore-guard-bench-answers-'));
const boundPort = await freePort();
const guardPort = await freePort();
const bound = await startServer(
  'bound',
  [...HEAP_FLAGS, 'bench/bound-server.mjs', certificate.certFile, certificate.keyFile, String(boundPort)],
  boundPort,
);
const guard = await startServer(
  'restore-guard',
  [...HEAP_FLAGS, ...restoreGuardArgs(guardPort, certificate)],
  guardPort,
);

// Warm both up. Then restore-guard's resident memory after 100,000 requests
// (issue 6's target: flat after that many) and after 200,000 (with V8's
// default heap, the young generation grows to its maximum in between).
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 10_000);
for (const [, body] of PAYLOADS) {
  for (const port of [boundPort, guardPort]) await post(port, body, { amount: WARM_UP });
}
let guardAnswered = WARM_UP * PAYLOADS.length;
const rssAt = {};
for (const checkpoint of [100_000, 200_000]) {
  const each = Math.ceil(Math.max(0, checkpoint - guardAnswered) / PAYLOADS.length);
  if (each > 0) for (const [, body] of PAYLOADS) await post(guardPort, body, { amount: each });
  guardAnswered += each * PAYLOADS.length;
  rssAt[checkpoint] = rssMiB(guard.pid);
}

const rows = [];
let guardRequests = 0;
for (const [index, [label, body]] of PAYLOADS.entries()) {
  const answerFile = join(answers, `${index}.json`);
  // restore-guard's answer to this review, which the same-answer bound will send.
  const { text: answer } = await fetchText(guardPort, '/validate', body);
  writeFileSync(answerFile, answer);
  const samePort = await freePort();
  const same = await startServer(
    'same-answer bound',
    [
      ...HEAP_FLAGS,
      'bench/bound-server.mjs',
      certificate.certFile,
      certificate.keyFile,
      String(samePort),
      answerFile,
    ],
    samePort,
  );
  await post(samePort, body, { amount: WARM_UP });
  const runs = { bound: [], same: [], guard: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.bound.push(await load(bound, boundPort, body));
    runs.same.push(await load(same, samePort, body));
    const result = await load(guard, guardPort, body);
    guardRequests += result.total;
    runs.guard.push(result);
  }
  same.kill('SIGTERM');
  const mean = (list, key) => list.reduce((sum, run) => sum + run[key], 0) / list.length;
  rows.push({
    label,
    answerBytes: Buffer.byteLength(answer),
    ...Object.fromEntries(
      Object.entries(runs).flatMap(([server, list]) =>
        ['rps', 'p50', 'p99', 'cpu'].map((key) => [`${server}${key}`, mean(list, key)]),
      ),
    ),
  });
}
const rssAfter = rssMiB(guard.pid);
// Time inside the /validate handler, from restore-guard's own histogram.
const { text: metrics } = await fetchText(guardPort, '/metrics');
const handler = (series) =>
  [
    ...metrics.matchAll(
      new RegExp(`^restore_guard_admission_duration_seconds_${series}\\{.*\\} (\\S+)$`, 'gm'),
    ),
  ]
    .map((match) => Number(match[1]))
    .reduce((sum, value) => sum + value, 0);
bound.kill('SIGTERM');
guard.kill('SIGTERM');

const ms = (value) => value.toFixed(0);
console.log(
  `node ${process.version} ${HEAP_FLAGS.join(' ') || "(V8's default heap)"}, ${new Date().toISOString()}, ${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s per server and payload, alternating`,
);
console.log('');
console.log(
  '| payload | answer | req/s: bound | same-answer bound | restore-guard | ratio to bound | ratio to same-answer bound |',
);
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.label} | ${row.answerBytes} B | ${row.boundrps.toFixed(0)} | ${row.samerps.toFixed(0)} | ${row.guardrps.toFixed(0)} | ${(row.guardrps / row.boundrps).toFixed(2)} | ${(row.guardrps / row.samerps).toFixed(2)} |`,
  );
}
console.log('');
console.log(
  '| payload | CPU per request: bound | same-answer bound | restore-guard | p50 / p99: bound | same-answer bound | restore-guard |',
);
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const us = (value) => `${value.toFixed(0)} µs`;
  console.log(
    `| ${row.label} | ${us(row.boundcpu)} | ${us(row.samecpu)} | ${us(row.guardcpu)} | ${ms(row.boundp50)} / ${ms(row.boundp99)} ms | ${ms(row.samep50)} / ${ms(row.samep99)} ms | ${ms(row.guardp50)} / ${ms(row.guardp99)} ms |`,
  );
}
console.log('');
console.log(
  `restore-guard's own time per decision (validating the review and deciding, as in its duration histogram; not TLS, HTTP, JSON parsing or the log line): ${((handler('sum') / handler('count')) * 1e6).toFixed(0)} µs per decision on average over ${handler('count')} decisions`,
);
const growth = (from) => `${(((rssAfter - from) / from) * 100).toFixed(1)}%`;
console.log(
  `restore-guard resident memory: ${rssAt[100_000].toFixed(1)} MiB after 100,000 requests, ${rssAt[200_000].toFixed(1)} MiB after 200,000, ${rssAfter.toFixed(1)} MiB after ${guardRequests} more (${growth(rssAt[100_000])} from 100,000, ${growth(rssAt[200_000])} from 200,000)`,
);
