// Certificate rotation the way a mounted Secret rotates, under steady
// requests: the new certificate is served within the poll interval, with no
// failed request and no restart.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEED_RESTORE } from '../helpers.js';
import { fingerprintOf, makeCa, makeServing, type Pem, SecretDir } from './certs.js';
import { loadObject, review, send, startTestServer, type TestServer } from './harness.js';

const POLL_MS = 300;
let ca: Pem;
let first: Pem;
let secret: SecretDir;
let server: TestServer;

beforeAll(async () => {
  ca = await makeCa();
  first = await makeServing(ca);
  secret = new SecretDir(first);
  server = await startTestServer({
    tlsCertFile: secret.certFile,
    tlsKeyFile: secret.keyFile,
    tlsPollIntervalMs: POLL_MS,
  });
});
afterAll(() => server.shutdown('test done'));

const body = JSON.stringify(review(loadObject(SEED_RESTORE)));

async function reloads(result: string): Promise<number> {
  const metric = await server.metrics.tlsReloads.get();
  return metric.values.find((value) => value.labels.result === result)?.value ?? 0;
}

describe('certificate rotation', () => {
  it('serves the rotated certificate within the poll interval with zero failed requests', async () => {
    expect((await send(server.port, ca.cert, { body })).peerFingerprint).toBe(fingerprintOf(first.cert));
    const second = await makeServing(ca);
    let failures = 0;
    let answered = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        try {
          const { status, json } = await send(server.port, ca.cert, { body });
          if (status === 200 && json.response.allowed === false) answered += 1;
          else failures += 1;
        } catch {
          failures += 1;
        }
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 200));
    secret.write(second);
    const rotatedAt = Date.now();
    let servedNew = 0;
    while (Date.now() - rotatedAt < 5000) {
      const { peerFingerprint } = await send(server.port, ca.cert, { method: 'GET', path: '/healthz' });
      if (peerFingerprint === fingerprintOf(second.cert)) {
        servedNew = Date.now() - rotatedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await load;

    expect(servedNew).toBeGreaterThan(0);
    expect(servedNew).toBeLessThanOrEqual(POLL_MS + 500);
    expect(failures).toBe(0);
    expect(answered).toBeGreaterThan(5);
    expect(await reloads('success')).toBe(1);
  });

  it('keeps the current certificate when the new files are not a matching pair, and counts the failure', async () => {
    const current = (await send(server.port, ca.cert, { method: 'GET', path: '/healthz' })).peerFingerprint;
    const a = await makeServing(ca);
    const b = await makeServing(ca);
    secret.write({ cert: a.cert, key: b.key });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    expect((await send(server.port, ca.cert, { method: 'GET', path: '/healthz' })).peerFingerprint).toBe(
      current,
    );
    expect(await reloads('failure')).toBe(1);
    expect(
      server.logs.some(
        (line) => line.msg === 'new TLS files are not a usable key pair yet; keeping the current certificate',
      ),
    ).toBe(true);
  });
});
