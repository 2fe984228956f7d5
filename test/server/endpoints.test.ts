// Health, readiness, metrics and TLS settings of the real server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTimeout } from '../../src/server/app.js';
import { SEED_RESTORE } from '../helpers.js';
import { loadObject, review, send, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ shutdownDelayMs: 300 });
});
afterAll(() => server.shutdown('test done'));

describe('endpoints', () => {
  it('/healthz and /readyz answer 200 while serving', async () => {
    expect((await send(server.port, server.certificate, { method: 'GET', path: '/healthz' })).json).toEqual({
      status: 'ok',
    });
    expect((await send(server.port, server.certificate, { method: 'GET', path: '/readyz' })).status).toBe(
      200,
    );
  });

  it('/metrics counts decisions by operation, kind, decision and dry run, with durations and findings', async () => {
    await send(server.port, server.certificate, {
      body: JSON.stringify(review(loadObject(SEED_RESTORE), { dryRun: true })),
    });
    const { status, headers, text } = await send(server.port, server.certificate, {
      method: 'GET',
      path: '/metrics',
    });
    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/plain/);
    expect(text).toContain(
      'restore_guard_admission_requests_total{operation="CREATE",kind="Pod",decision="denied",dry_run="true"} 1',
    );
    expect(text).toContain(
      'restore_guard_findings_total{rule="shared-overlay-duplicate",severity="error"} 1',
    );
    expect(text).toContain(
      'restore_guard_admission_duration_seconds_bucket{le="0.0005",operation="CREATE",decision="denied"}',
    );
    expect(text).toContain(
      'restore_guard_admission_duration_seconds_bucket{le="5",operation="CREATE",decision="denied"}',
    );
    expect(text).toContain('restore_guard_in_flight_requests 0');
    expect(text).toContain('restore_guard_tls_reloads_total');
    expect(text).toContain('restore_guard_process_resident_memory_bytes');
  });
});

describe('TLS', () => {
  it('refuses TLS 1.1', async () => {
    await expect(
      send(server.port, server.certificate, {
        method: 'GET',
        path: '/healthz',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
      }),
    ).rejects.toThrow();
  });

  it('speaks HTTP/1.1 only: a client offering h2 gets no ALPN protocol', async () => {
    const result = await send(server.port, server.certificate, {
      method: 'GET',
      path: '/healthz',
      alpn: ['h2', 'http/1.1'],
    });
    expect(result.status).toBe(200);
    expect(result.alpn).not.toBe('h2');
  });

  it('serves a certificate for localhost that a client can verify', async () => {
    const result = await send(server.port, server.certificate, { method: 'GET', path: '/healthz' });
    expect(result.peerFingerprint).toMatch(/^[0-9A-F:]+$/);
  });
});

describe('shutdown', () => {
  it('fails /readyz at once and keeps answering until the delay ends', async () => {
    const closing = server.shutdown('test');
    expect((await send(server.port, server.certificate, { method: 'GET', path: '/readyz' })).json).toEqual({
      status: 'shutting down',
    });
    const { json } = await send(server.port, server.certificate, {
      body: JSON.stringify(review(loadObject(SEED_RESTORE))),
    });
    expect(json.response.allowed).toBe(false);
    await closing;
    await expect(send(server.port, server.certificate, { method: 'GET', path: '/healthz' })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

describe('parseTimeout', () => {
  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['3', 3000],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s ms', (value, expected) => {
    expect(parseTimeout(value)).toBe(expected);
  });
});
