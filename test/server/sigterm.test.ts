// `restore-guard serve` as a process: SIGTERM with requests in flight.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { CLI } from '../cli/run.js';
import { REPO_ROOT, SEED_RESTORE } from '../helpers.js';
import { makeCa, makeServing, SecretDir } from './certs.js';
import { loadObject, review, send } from './harness.js';

const DELAY_S = 1;

/** One request on a new connection: its status, or the error and whether TLS had been established. */
function attempt(port: number, ca: string, body: Buffer): Promise<string> {
  return new Promise((resolve) => {
    let secured = false;
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        method: 'POST',
        path: '/validate',
        ca,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', (error: NodeJS.ErrnoException) => resolve(`${error.code} after TLS`));
      },
    );
    req.on('socket', (socket) =>
      socket.on('secureConnect', () => {
        secured = true;
      }),
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(
        `${error.code ?? error.message}${secured ? ' after TLS' : error.code === 'ECONNRESET' ? ' before TLS' : ''}`,
      ),
    );
    req.end(body);
  });
}

/** `restore-guard serve` on loopback with the secret's files; stderr piped, or to the given fd. */
function serve(secret: SecretDir, port: number, delaySeconds: number, stderr: 'pipe' | number) {
  return spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--tls-cert',
      secret.certFile,
      '--tls-key',
      secret.keyFile,
      '--shutdown-delay',
      String(delaySeconds),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', stderr] },
  );
}

describe('SIGTERM', () => {
  it('under load: fails /readyz at once, answers through the delay, finishes requests in flight and exits 0', async () => {
    const ca = await makeCa();
    const secret = new SecretDir(await makeServing(ca));
    const child = serve(secret, 0, DELAY_S, 'pipe');
    let logs = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr?.on('data', (chunk) => {
        logs += chunk;
        const match = /restore-guard serving on https:\/\/127\.0\.0\.1:(\d+)/.exec(logs);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', () => reject(new Error(`serve exited early:\n${logs}`)));
    });

    const body = Buffer.from(JSON.stringify(review(loadObject(SEED_RESTORE))));
    // A request in flight: headers and half the body sent before SIGTERM.
    const inFlight = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port,
          method: 'POST',
          path: '/validate',
          ca: ca.cert,
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.subarray(0, body.length / 2));
      setTimeout(() => req.end(body.subarray(body.length / 2)), DELAY_S * 1000 + 500);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Steady load through the whole shutdown: every connection the server
    // accepted (its TLS handshake done) must get its answer. Refused connections
    // are fine, and so are resets before the handshake: those are connections
    // still in the kernel's accept queue when the listener closed, never accepted.
    let stop = false;
    const outcomes: string[] = [];
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) {
          const outcome = await attempt(port, ca.cert, body);
          outcomes.push(outcome);
          if (outcome !== '200') await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await send(port, ca.cert, { method: 'GET', path: '/readyz' })).status).toBe(503);
    const during = await send(port, ca.cert, { body: body.toString() });
    expect(during.status).toBe(200);
    expect(during.json.response.allowed).toBe(false);

    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.text).response.status.code).toBe(403);
    expect(await exited).toBe(0);
    stop = true;
    await load;
    expect(outcomes.filter((outcome) => outcome === '200').length).toBeGreaterThan(20);
    expect(
      outcomes.filter((outcome) => !['200', 'ECONNREFUSED', 'ECONNRESET before TLS'].includes(outcome)),
    ).toEqual([]);
    expect(Date.now() - signalledAt).toBeLessThan(DELAY_S * 1000 + 4000);
    expect(logs).toContain('shut down cleanly');
  }, 20_000);

  it('with a stderr it cannot write to: still answers, and SIGTERM still ends it with 0', async () => {
    const ca = await makeCa();
    const secret = new SecretDir(await makeServing(ca));
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    // stderr open for reading only: every log write fails with EBADF.
    const stderr = openSync(CLI, 'r');
    const child = serve(secret, port, 0, stderr);
    closeSync(stderr);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let healthy = false;
    for (let attempt = 0; attempt < 100 && !healthy; attempt++) {
      healthy = await send(port, ca.cert, { method: 'GET', path: '/healthz' }).then(
        (result) => result.status === 200,
        () => false,
      );
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(healthy).toBe(true);
    const answer = await send(port, ca.cert, { body: JSON.stringify(review(loadObject(SEED_RESTORE))) });
    expect(answer.json.response.status.code).toBe(403);

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve('hung'), 8000);
      }),
    ]);
    clearTimeout(timer);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
  }, 20_000);
});
