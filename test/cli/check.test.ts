// `restore-guard check` end to end through its binary: exit codes, the JSON
// contract, inputs of every shape, and errors that name the file and document.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REAL_FIXTURES, REPO_ROOT, SEED_RESTORE } from '../helpers.js';
import { CLI, runCli, tempFiles } from './run.js';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'check-output.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function parseContract(stdout: string) {
  const output = JSON.parse(stdout);
  expect(validate.errors ?? []).toEqual([]);
  if (!validate(output)) throw new Error(JSON.stringify(validate.errors));
  // biome-ignore lint/suspicious/noExplicitAny: the schema has just validated the shape.
  return output as { results: Array<Record<string, any>> };
}

const seedText = readFileSync(SEED_RESTORE, 'utf8');
const SEED_ERROR =
  'inconsistent private memory files on restore: savedMFOwners = [writer-a:/ writer-a:/workspace writer-b:/], mfmap = map[writer-a:/ ... writer-a:/workspace ... writer-b:/ ... writer-b:/workspace ...]';

describe('check on the real manifests', () => {
  it('exits 1 for the seed restore pod and prints the seed error with a table', async () => {
    const { code, stdout, stderr } = await runCli(['check', SEED_RESTORE]);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain('FAILS TO RESTORE  runsc pre-fix, restore pod');
    expect(stdout).toContain(`runsc: ${SEED_ERROR}`);
    expect(stdout).toContain('                             writer-b:/workspace  <- not in the checkpoint');
    expect(stdout).toContain('1 object: 0 fail to start, 1 fail to restore');
  });

  it('prints the JSON contract for the seed', async () => {
    const { code, stdout } = await runCli(['check', '-o', 'json', SEED_RESTORE]);
    expect(code).toBe(1);
    const [result] = parseContract(stdout).results;
    expect(result).toMatchObject({
      source: `${SEED_RESTORE}#1`,
      kind: 'Pod',
      namespace: null,
      name: 'ws-counter-restore',
      restore: true,
      runsc: 'pre-fix',
      verdict: 'fails-to-restore',
      simulation: {
        savedOwners: ['writer-a:/', 'writer-a:/workspace', 'writer-b:/'],
        restoreKeys: ['writer-a:/', 'writer-a:/workspace', 'writer-b:/', 'writer-b:/workspace'],
        error: SEED_ERROR,
        stage: 'restore',
      },
    });
    expect(result?.findings.map((f: { rule: string; severity: string }) => [f.rule, f.severity])).toEqual([
      ['shared-overlay-duplicate', 'error'],
    ]);
  });

  it('exits 0 for the seed under a fixed release', async () => {
    const { code, stdout } = await runCli([
      'check',
      '--runsc',
      'release-20260803.0',
      '-o',
      'json',
      SEED_RESTORE,
    ]);
    expect(code).toBe(0);
    expect(parseContract(stdout).results[0]).toMatchObject({
      runsc: 'fixed',
      release: 'release-20260803.0',
      verdict: 'ok',
    });
  });

  it('reads a directory: every manifest, in name order', async () => {
    const { code, stdout } = await runCli(['check', '-o', 'json', REAL_FIXTURES]);
    expect(code).toBe(1);
    const results = parseContract(stdout).results;
    expect(results.map((r) => [r.name, r.verdict])).toEqual([
      ['shared-folder-test', 'ok'],
      ['ws-counter', 'restore-would-fail'],
      ['ws-counter-restore', 'fails-to-restore'],
    ]);
  });

  it('--assume-restore makes the non-restore pod an error too', async () => {
    const { stdout } = await runCli([
      'check',
      '--assume-restore',
      '-o',
      'json',
      join(REAL_FIXTURES, '02_runsc-task-restore_ws-shared-pod.yaml'),
    ]);
    expect(parseContract(stdout).results[0]?.findings[0]).toMatchObject({
      severity: 'error',
      rule: 'shared-overlay-duplicate',
    });
  });
});

describe('inputs', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      annotations:
        dev.gvisor.spec.mount.cache.type: bind
        dev.gvisor.spec.mount.cache.share: pod
    spec:
      runtimeClassName: gvisor
      containers:
        - {name: a, volumeMounts: [{name: cache, mountPath: /cache}]}
        - {name: b, volumeMounts: [{name: cache, mountPath: /cache}]}
      volumes: [{name: cache, emptyDir: {}}]
`;
  const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          runtimeClassName: runc
          restartPolicy: Never
          containers: [{name: job}]
`;

  it('reads multi-document YAML from stdin, judges workload templates and skips other kinds', async () => {
    const stdin = `${deployment}---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n${cronJob}---\n`;
    const { code, stdout } = await runCli(['check', '-o', 'json', '-'], { stdin });
    expect(code).toBe(0);
    expect(
      parseContract(stdout).results.map((r) => [r.source, r.kind, r.namespace, r.name, r.verdict]),
    ).toEqual([
      ['<stdin>#1', 'Deployment', 'shop', 'web', 'restore-would-fail'],
      ['<stdin>#3', 'CronJob', null, 'nightly', 'not-gvisor'],
    ]);
  });

  it('reads List objects and AdmissionReviews', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { runtimeClassName: 'gvisor', containers: [{ name: 'c' }] },
    };
    const list = { apiVersion: 'v1', kind: 'List', items: [pod, { ...pod, metadata: { name: 'q' } }] };
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: '1', namespace: 'team', operation: 'CREATE', object: pod },
    };
    const dir = tempFiles({ 'list.json': JSON.stringify(list), 'review.json': JSON.stringify(review) });
    const { code, stdout } = await runCli(['check', '-o', 'json', dir]);
    expect(code).toBe(0);
    expect(
      parseContract(stdout).results.map((r) => [r.source.replace(dir, ''), r.namespace, r.name]),
    ).toEqual([
      ['/list.json#1[0]', null, 'p'],
      ['/list.json#1[1]', null, 'q'],
      ['/review.json#1', 'team', 'p'],
    ]);
  });
});

describe('bad input and usage exit 2 with one clear line', () => {
  it('names the file and document of broken YAML, and still judges the rest', async () => {
    const dir = tempFiles({ 'pods.yaml': `${seedText}---\nkind: Pod\nmetadata: {name: [unclosed\n` });
    const { code, stdout, stderr } = await runCli(['check', join(dir, 'pods.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `^restore-guard: ${dir}/pods\\.yaml: document 2: invalid YAML: .+\\(line \\d+, column \\d+\\)\\n$`,
      ),
    );
    expect(stdout).toContain('ws-counter-restore');
  });

  it.each([
    [
      'a document that is not an object',
      '- just\n- a list\n',
      'document 1: not a Kubernetes object (expected a mapping with apiVersion and kind)',
    ],
    [
      'a Pod without spec',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n',
      'document 1: spec: a Pod needs a pod spec',
    ],
    [
      'a container without a name',
      'kind: Pod\nspec: {containers: [{image: x}]}\n',
      'document 1: spec.containers[0].name: Invalid input: expected string, received undefined',
    ],
    [
      'a Deployment without template',
      'kind: Deployment\nspec: {}\n',
      'document 1: spec.template: expected a pod template',
    ],
  ])('%s', async (_name, text, message) => {
    const dir = tempFiles({ 'x.yaml': text });
    const { code, stderr } = await runCli(['check', join(dir, 'x.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toBe(`restore-guard: ${dir}/x.yaml: ${message}\n`);
  });

  it('an unreadable file', async () => {
    const { code, stderr } = await runCli(['check', 'no/such/file.yaml']);
    expect(code).toBe(2);
    expect(stderr).toBe('restore-guard: no/such/file.yaml: cannot read: no such file or directory\n');
  });

  it.each([
    [['check'], 'restore-guard check: check needs at least one PATH (a file, a directory or -)'],
    [['check', '--bogus', 'x'], "restore-guard check: Unknown option '--bogus'"],
    [['check', '-o', 'yaml', 'x'], 'restore-guard check: --output must be text or json, not "yaml"'],
    [
      ['check', '--runsc', 'latest', 'x'],
      'restore-guard: unknown runsc "latest": expected pre-fix, fixed, pod-global or a release name like release-20260803.0',
    ],
    [['nonsense'], 'restore-guard: unknown command "nonsense"'],
  ])('usage %j', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a configuration error names the key and what it expects', async () => {
    const dir = tempFiles({
      'config.yaml': 'runtimeClasses:\n  gvisor:\n    runsc: newest\nmodes:\n  pods: block\ncolour: red\n',
    });
    const { code, stderr } = await runCli(['check', '--config', join(dir, 'config.yaml'), SEED_RESTORE]);
    expect(code).toBe(2);
    expect(stderr.split('\n').filter(Boolean).sort()).toEqual(
      [
        `restore-guard: ${dir}/config.yaml: (top level): unknown key(s) "colour"`,
        `restore-guard: ${dir}/config.yaml: modes.pods: expected one of enforce, warn, audit, off`,
        `restore-guard: ${dir}/config.yaml: runtimeClasses.gvisor.runsc: unknown runsc "newest": expected pre-fix, fixed, pod-global or a release name like release-20260803.0`,
      ].sort(),
    );
  });
});

describe('help and configuration', () => {
  it('--help explains the command and its exit codes', async () => {
    const { code, stdout } = await runCli(['check', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: restore-guard check [options] PATH...');
    expect(stdout).toContain('Exit codes: 0 nothing would fail');
  });

  it('takes the runsc release per RuntimeClass from the configuration', async () => {
    const dir = tempFiles({ 'config.yaml': 'runtimeClasses:\n  gvisor:\n    runsc: release-20260810.0\n' });
    const { code, stdout } = await runCli([
      'check',
      '--config',
      join(dir, 'config.yaml'),
      '-o',
      'json',
      SEED_RESTORE,
    ]);
    expect(code).toBe(0);
    expect(parseContract(stdout).results[0]).toMatchObject({ runsc: 'fixed', release: 'release-20260810.0' });
  });

  it('--checkpointed compares the restore pod with the pod as checkpointed', async () => {
    const renamed = seedText.replace(/writer-b/g, 'writer-c');
    const dir = tempFiles({ 'restore.yaml': renamed });
    const { code, stdout } = await runCli([
      'check',
      '--runsc',
      'fixed',
      '--checkpointed',
      join(REAL_FIXTURES, '02_runsc-task-restore_ws-shared-pod.yaml'),
      '-o',
      'json',
      join(dir, 'restore.yaml'),
    ]);
    expect(code).toBe(1);
    const [result] = parseContract(stdout).results;
    expect(result?.simulation.error).toBe('checkpoint image does not contain spec for container: "writer-c"');
    expect(result?.findings.map((f: { rule: string }) => f.rule)).toEqual(['restore-spec-drift']);
  });
});

describe('serve usage', () => {
  it.each([
    [['serve', '--tls-cert', 'x.pem'], 'restore-guard serve: --tls-cert and --tls-key go together'],
    [['serve', '--port', 'http'], 'restore-guard serve: --port must be a port number, not "http"'],
    [
      ['serve', '--log-level', 'loud'],
      'restore-guard serve: --log-level must be one of fatal, error, warn, info, debug, trace',
    ],
  ])('%j exits 2', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(message);
  });

  it('reads the port from PORT when --port is not given', async () => {
    const child = spawnSync(process.execPath, [CLI, 'serve'], {
      env: { ...process.env, PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(child.status).toBe(2);
    expect(child.stderr.split('\n')[0]).toBe(
      'restore-guard serve: --port must be a port number, not "eighty"',
    );
  });

  it('refuses TLS files that are not a key pair, naming them', async () => {
    const dir = tempFiles({ 'tls.crt': 'not a certificate', 'tls.key': 'not a key' });
    const { code, stderr } = await runCli([
      'serve',
      '--port',
      '0',
      '--tls-cert',
      join(dir, 'tls.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${dir}/tls.crt and ${dir}/tls.key are not a usable key pair`);
  });
});
