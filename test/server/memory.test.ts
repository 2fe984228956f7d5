// No per-request leak: the live heap after a full GC stays flat over many
// decisions (resident memory is a poor signal: V8 keeps heap pages it grew).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '../helpers.js';

const SCRIPT = `
import { pino } from 'pino';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { buildApp } from './dist/server/app.js';
import { createMetrics } from './dist/server/metrics.js';
import { generateLocalhostCertificate } from './dist/server/tls.js';
import { parseConfig, resolveSettings } from './dist/policy/config.js';
const c = parseConfig({});
const policy = { settings: resolveSettings(c), modes: c.modes, exemptions: c.exemptions };
const app = buildApp({ tls: await generateLocalhostCertificate(), logger: pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: true })), metrics: createMetrics(), policy: () => policy, state: { ready: true, shuttingDown: false } });
await app.ready();
const seed = parse(readFileSync('test/fixtures/real/03_runsc-task-restore_ws-shared-restore.yaml', 'utf8'));
const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
const send = (i) => app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json' },
  payload: JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u' + i, kind: { kind: 'Pod' }, operation: 'CREATE', namespace: 'ns' + (i % 50), object: { ...seed, metadata: { ...seed.metadata, name: 'p' + i } } } }) });
for (let i = 0; i < 5000; i++) await send(i);
const before = heap();
for (let i = 0; i < 20000; i++) await send(i);
console.log(JSON.stringify({ before, after: heap() }));
`;

describe('memory', () => {
  it('keeps the live heap flat over 20,000 decisions', () => {
    const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', SCRIPT], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const { before, after } = JSON.parse(output.trim().split('\n').at(-1) as string);
    expect(after / before).toBeLessThan(1.1);
  }, 60_000);
});
