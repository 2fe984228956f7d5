// What scripts/kind-e2e.sh checks on a kind cluster, checked here against the
// real server with the same configuration (deploy/base/config.yaml), the same
// RuntimeClass (deploy/kind/runtimeclass.yaml) and the same sample objects.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { runtimeClassSettings } from '../../src/cluster/runtimeClasses.js';
import { loadConfigFile } from '../../src/policy/config-file.js';
import { REPO_ROOT } from '../helpers.js';
import { review, send, startTestServer, type TestServer } from './harness.js';

const sample = (name: string) => parse(readFileSync(join(REPO_ROOT, 'deploy/kind/samples', name), 'utf8'));
let server: TestServer;

beforeAll(async () => {
  const config = await loadConfigFile(join(REPO_ROOT, 'deploy/base/config.yaml'));
  const runtimeClass = parse(readFileSync(join(REPO_ROOT, 'deploy/kind/runtimeclass.yaml'), 'utf8'));
  const { runtimeClasses } = runtimeClassSettings([runtimeClass], config);
  server = await startTestServer({
    policy: {
      settings: { runtimeClasses, restoreAnnotations: config.restoreAnnotations, assumeRestore: false },
      modes: config.modes,
      exemptions: config.exemptions,
    },
  });
});
afterAll(() => server.shutdown('test done'));

const admit = async (object: Record<string, unknown>, request: Record<string, unknown> = {}) =>
  (await send(server.port, server.certificate, { body: JSON.stringify(review(object, request)) })).json
    .response;

describe('the kind end-to-end samples', () => {
  it('denies the restore pod, naming writer-b, also on a server-side dry run', async () => {
    for (const dryRun of [false, true]) {
      const response = await admit(sample('restore-pod.yaml'), { dryRun });
      expect(response.allowed).toBe(false);
      expect(response.status.message).toMatch(/^Pod default\/ws-counter-restore would fail to restore/);
      expect(response.status.message).toContain('writer-b');
    }
  });

  it('admits the shared-folder pod without a warning', async () => {
    const response = await admit(sample('shared-folder-pod.yaml'));
    expect(response.allowed).toBe(true);
    expect(response.warnings).toBeUndefined();
  });

  it('admits the Deployment with a [shared-overlay-duplicate] warning', async () => {
    const response = await admit(sample('counter-deployment.yaml'));
    expect(response.allowed).toBe(true);
    expect(response.warnings[0]).toMatch(/^\[shared-overlay-duplicate\] /);
  });

  it('never judges its own namespace', async () => {
    const response = await admit(sample('restore-pod.yaml'), { namespace: 'restore-guard' });
    expect(response.allowed).toBe(true);
  });
});
