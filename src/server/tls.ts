// Serving certificates: loaded from files and reloaded when they change (a
// mounted Secret changes by a symlink swap, which a file watch can miss, so
// the files are also polled), or generated for localhost when none are given.

import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { generate } from 'selfsigned';

export interface KeyPair {
  key: string;
  cert: string;
}

export class CertificateError extends Error {}

/** A self-signed certificate for localhost, 127.0.0.1 and ::1, valid for 30 days. */
export async function generateLocalhostCertificate(): Promise<KeyPair> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 30 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Reads a key pair and checks that the key matches the certificate. */
export async function loadKeyPair(certFile: string, keyFile: string): Promise<KeyPair> {
  let pair: KeyPair;
  try {
    pair = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (error) {
    throw new CertificateError(`cannot read the TLS files: ${(error as Error).message}`);
  }
  try {
    createSecureContext(pair);
  } catch (error) {
    throw new CertificateError(
      `${certFile} and ${keyFile} are not a usable key pair: ${(error as Error).message}`,
    );
  }
  return pair;
}

function fingerprint(pair: KeyPair): string {
  return createHash('sha256').update(pair.cert).update('\0').update(pair.key).digest('hex');
}

export interface ReloaderOptions {
  certFile: string;
  keyFile: string;
  /** How often to look at the files even when no watch event came. */
  pollIntervalMs: number;
  apply: (pair: KeyPair) => void;
  onReload: (result: 'success' | 'failure') => void;
  log: Logger;
}

/**
 * Watches and polls the certificate files; applies a new pair only when both
 * files read back as a matching pair, so a half-written rotation is retried
 * on the next look instead of breaking the server.
 */
export class CertificateReloader {
  private current: string;
  /** The last pair that failed, so a bad pair is reported once, not at every poll. */
  private failed: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchers: FSWatcher[] = [];
  private checking: Promise<void> | undefined;

  constructor(
    private readonly options: ReloaderOptions,
    initial: KeyPair,
  ) {
    this.current = fingerprint(initial);
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.pollIntervalMs);
    this.timer.unref();
    for (const dir of new Set([dirname(this.options.certFile), dirname(this.options.keyFile)])) {
      try {
        const watcher = watch(dir, () => void this.check());
        watcher.unref();
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // No watch on this filesystem: polling alone still picks the change up.
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  /** Looks at the files now; concurrent calls share one look. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async look(): Promise<void> {
    let pair: KeyPair;
    try {
      pair = {
        cert: await readFile(this.options.certFile, 'utf8'),
        key: await readFile(this.options.keyFile, 'utf8'),
      };
    } catch (error) {
      this.options.log.warn({ err: error }, 'cannot read the TLS files; keeping the current certificate');
      this.options.onReload('failure');
      return;
    }
    const next = fingerprint(pair);
    if (next === this.current || next === this.failed) return;
    try {
      this.options.apply(pair);
    } catch (error) {
      this.failed = next;
      // Typically a rotation caught between writing the certificate and the key.
      this.options.log.warn(
        { err: error },
        'new TLS files are not a usable key pair yet; keeping the current certificate',
      );
      this.options.onReload('failure');
      return;
    }
    this.current = next;
    this.options.onReload('success');
    this.options.log.info({ certFile: this.options.certFile }, 'reloaded the serving certificate');
  }
}
