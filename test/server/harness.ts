// A real server on a free loopback port, a real HTTPS client that verifies
// the certificate, and AdmissionReviews to send it.

import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parse } from 'yaml';
import type { WebhookPolicy } from '../../src/admission/decide.js';
import { parseConfig, resolveSettings } from '../../src/policy/config.js';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/server.js';

export interface TestServer extends RunningServer {
  logs: Array<Record<string, unknown>>;
}

export function policyFrom(config: unknown = {}): WebhookPolicy {
  const parsed = parseConfig(config);
  return { settings: resolveSettings(parsed), modes: parsed.modes, exemptions: parsed.exemptions };
}

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    policy: policyFrom(),
    logger: pino({ level: 'info' }, sink),
    shutdownDelayMs: 0,
    ...options,
  });
  return Object.assign(server, { logs });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back.
  json: any;
  peerFingerprint: string;
  alpn: string | false | null;
}

export function send(
  port: number,
  ca: string,
  options: {
    method?: string;
    path?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    minVersion?: string;
    maxVersion?: string;
    alpn?: string[];
    /** Skip certificate verification (only for a server whose certificate the test cannot know). */
    insecure?: boolean;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/validate?timeout=10s',
        ca,
        ...(options.insecure ? { rejectUnauthorized: false } : {}),
        agent: false,
        headers: { 'content-type': 'application/json', ...options.headers },
        ...(options.minVersion ? { minVersion: options.minVersion as never } : {}),
        ...(options.maxVersion ? { maxVersion: options.maxVersion as never } : {}),
        ...(options.alpn ? { ALPNProtocols: options.alpn } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const socket = res.socket as import('node:tls').TLSSocket;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
            peerFingerprint: socket.getPeerCertificate?.().fingerprint256 ?? '',
            alpn: socket.alpnProtocol ?? null,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function loadObject(path: string): Record<string, unknown> {
  return parse(readFileSync(path, 'utf8'));
}

let counter = 0;
export function review(
  object: unknown,
  request: Record<string, unknown> = {},
  apiVersion = 'admission.k8s.io/v1',
) {
  counter += 1;
  const kind = (object as { kind?: string } | null)?.kind ?? 'Pod';
  return {
    apiVersion,
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${counter}`,
      kind: { group: '', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: `${kind.toLowerCase()}s` },
      operation: 'CREATE',
      namespace: 'default',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object,
      oldObject: null,
      dryRun: false,
      ...request,
    },
  };
}
