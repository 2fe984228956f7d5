// Slow and hostile clients cannot hold the server: a connection that never
// finishes its TLS handshake, its headers (slowloris) or its body is closed
// within the configured timeouts, while other clients are served.
import { connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { send, startTestServer, type TestServer } from './harness.js';

const TIMEOUT_MS = 1000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ requestTimeoutMs: TIMEOUT_MS, handshakeTimeoutMs: TIMEOUT_MS });
});
afterAll(() => server.shutdown('test done'));

function tls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port: server.port, servername: 'localhost', ca: server.certificate },
      () => resolve(socket),
    );
    socket.on('error', reject);
  });
}

/** Milliseconds until the server ends the connection, and what it sent before. */
function closedAfter(
  socket: NodeJS.ReadableStream & { on(event: 'close', cb: () => void): unknown },
): Promise<{ ms: number; received: string }> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  (socket as unknown as { on(event: 'error', cb: () => void): void }).on('error', () => {});
  return new Promise((resolve) => socket.on('close', () => resolve({ ms: Date.now() - started, received })));
}

const healthy = async () =>
  (await send(server.port, server.certificate, { method: 'GET', path: '/healthz' })).status;

describe('hostile clients', () => {
  it('a TCP connection that never starts TLS is closed after the handshake timeout', async () => {
    const socket = tcpConnect({ host: '127.0.0.1', port: server.port });
    const closed = closedAfter(socket);
    expect(await healthy()).toBe(200);
    const { ms } = await closed;
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(ms).toBeLessThan(TIMEOUT_MS + 2500);
  });

  it('headers that never end (slowloris) are cut off after the headers timeout', async () => {
    const socket = await tls();
    const closed = closedAfter(socket);
    socket.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    expect(await healthy()).toBe(200);
    const { ms, received } = await closed;
    clearInterval(drip);
    expect(ms).toBeLessThan(TIMEOUT_MS + 2500);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('a body that never ends is cut off after the request timeout', async () => {
    const socket = await tls();
    const closed = closedAfter(socket);
    socket.write(
      'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"apiVersion":',
    );
    expect(await healthy()).toBe(200);
    const { ms, received } = await closed;
    expect(ms).toBeLessThan(TIMEOUT_MS + 2500);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });
});
