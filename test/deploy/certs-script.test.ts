// deploy/scripts/self-managed-certs.sh with real openssl and a kubectl that
// records what it is asked to do: the Secret holds a serving certificate for
// the Service's DNS names signed by the CA that goes into both caBundles.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers.js';

const FAKE_KUBECTL = `#!/usr/bin/env bash
# Records calls; answers "not found" for gets, prints Secrets for create --dry-run.
log="$KUBECTL_LOG"
echo "$*" >> "$log/calls"
args=("$@")
if [[ "$*" == *" get "* || "$1" == get ]]; then exit 1; fi
if [[ "$*" == *"create secret tls"* ]]; then
  name=""; cert=""; key=""
  for ((i = 0; i < \${#args[@]}; i++)); do
    case "\${args[$i]}" in
      tls) name="\${args[$((i + 1))]}" ;;
      --cert=*) cert="\${args[$i]#--cert=}" ;;
      --key=*) key="\${args[$i]#--key=}" ;;
    esac
  done
  printf 'apiVersion: v1\\nkind: Secret\\nmetadata: {name: %s, namespace: restore-guard}\\ntype: kubernetes.io/tls\\ndata:\\n  tls.crt: %s\\n  tls.key: %s\\n' \\
    "$name" "$(base64 -w0 < "$cert")" "$(base64 -w0 < "$key")"
  exit 0
fi
if [[ "$1" == apply && "$2" == -f ]]; then n=$(ls "$log" | grep -c applied); cat > "$log/applied-$n.yaml"; exit 0; fi
if [[ "$1" == patch ]]; then printf '%s' "\${args[-1]}" > "$log/patch.json"; exit 0; fi
exit 0
`;

describe('deploy/scripts/self-managed-certs.sh', () => {
  it('makes a CA and a serving certificate for the Service, stores them, applies the overlay and sets both caBundles', () => {
    const bin = mkdtempSync(join(tmpdir(), 'restore-guard-kubectl-'));
    const log = mkdtempSync(join(tmpdir(), 'restore-guard-kubectl-log-'));
    writeFileSync(join(bin, 'kubectl'), FAKE_KUBECTL);
    chmodSync(join(bin, 'kubectl'), 0o755);
    const output = execFileSync('bash', [join(REPO_ROOT, 'deploy/scripts/self-managed-certs.sh')], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, KUBECTL_LOG: log },
      encoding: 'utf8',
    });
    expect(output).toContain('restore-guard installed with a self-managed certificate valid for 365 days');

    const secrets = readdirSync(log)
      .filter((file) => file.startsWith('applied-'))
      .map((file) => parse(readFileSync(join(log, file), 'utf8')));
    const byName = Object.fromEntries(secrets.map((secret) => [secret.metadata.name, secret]));
    const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');
    const ca = new X509Certificate(decode(byName['restore-guard-ca'].data['tls.crt']));
    const serving = new X509Certificate(decode(byName['restore-guard-tls'].data['tls.crt']));

    expect(ca.ca).toBe(true);
    expect(serving.ca).toBe(false);
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toBe(
      'DNS:restore-guard.restore-guard.svc, DNS:restore-guard.restore-guard.svc.cluster.local',
    );
    expect(
      serving.checkPrivateKey(createPrivateKey(decode(byName['restore-guard-tls'].data['tls.key']))),
    ).toBe(true);

    const calls = readFileSync(join(log, 'calls'), 'utf8');
    expect(calls).toContain(`apply -k ${join(REPO_ROOT, 'deploy/scripts')}/../overlays/self-managed`);
    const patch = JSON.parse(readFileSync(join(log, 'patch.json'), 'utf8'));
    expect(patch.map((op: { path: string }) => op.path)).toEqual([
      '/webhooks/0/clientConfig/caBundle',
      '/webhooks/1/clientConfig/caBundle',
    ]);
    for (const op of patch)
      expect(new X509Certificate(decode(op.value)).fingerprint256).toBe(ca.fingerprint256);
  });

  it('and the kind end-to-end script parse as bash', () => {
    for (const script of ['deploy/scripts/self-managed-certs.sh', 'scripts/kind-e2e.sh']) {
      execFileSync('bash', ['-n', join(REPO_ROOT, script)]);
    }
  });
});
