// A test CA and serving certificates it signs, laid out like a mounted
// Kubernetes Secret (files behind a ..data symlink that is swapped on update).

import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface Pem {
  key: string;
  cert: string;
}

export async function makeCa(): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: 'restore-guard test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export async function makeServing(ca: Pem, commonName = 'localhost'): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

export function fingerprintOf(cert: string): string {
  return new X509Certificate(cert).fingerprint256;
}

/** A directory like a mounted Secret; `update` swaps it the way the kubelet does. */
export class SecretDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'restore-guard-secret-'));
  private generation = 0;

  constructor(initial: Pem) {
    this.write(initial);
    symlinkSync('..data/tls.crt', join(this.dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(this.dir, 'tls.key'));
  }

  get certFile() {
    return join(this.dir, 'tls.crt');
  }

  get keyFile() {
    return join(this.dir, 'tls.key');
  }

  /** Writes a new timestamped directory, then atomically repoints ..data at it. */
  write(pem: Pem): void {
    this.generation += 1;
    const version = `..2026_12_04_${this.generation}`;
    mkdirSync(join(this.dir, version));
    writeFileSync(join(this.dir, version, 'tls.crt'), pem.cert);
    writeFileSync(join(this.dir, version, 'tls.key'), pem.key);
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
  }
}
