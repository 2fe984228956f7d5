// The image, without a Docker engine: the Dockerfile is read, and its runtime
// stage is reproduced (production dependencies only, the built dist/, a
// read-only file tree, a numeric non-root user) and run.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT, SEED_RESTORE } from '../helpers.js';
import { send } from '../server/harness.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1) ?? '';
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

describe('Dockerfile', () => {
  it('builds in one stage and runs from a second that copies only package.json, node_modules and dist', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/RUN npm ci\n/);
    expect(stages[0]).toContain('RUN npm run build && npm prune --omit=dev');
    expect(runtime.match(/^COPY .*$/gm)).toEqual([
      'COPY --from=build /src/package.json ./',
      'COPY --from=build /src/node_modules ./node_modules',
      'COPY --from=build /src/dist ./dist',
    ]);
  });

  it('runs as a numeric non-root user and starts restore-guard serve from the package binary', () => {
    expect(runtime).toMatch(/^USER 65532:65532$/m);
    expect(runtime).toContain(`ENTRYPOINT ["/nodejs/bin/node", "/app/${pkg.bin['restore-guard']}"]`);
    expect(runtime).toContain('CMD ["serve", "--host", "0.0.0.0"]');
    expect(stages[0]).toMatch(/^node:24-/);
  });

  it('has a .dockerignore that keeps local builds and dependencies out of the context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'test']));
  });
});

describe('the runtime stage, reproduced', () => {
  const app = mkdtempSync(join(tmpdir(), 'restore-guard-image-'));
  afterAll(() => {
    chmodSync(app, 0o755);
    execFileSync('chmod', ['-R', 'u+w', app]);
    rmSync(app, { recursive: true, force: true });
  });

  it('installs production dependencies only and runs check and serve from a read-only tree', async () => {
    cpSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
    cpSync(join(REPO_ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
    execFileSync(
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'],
      { cwd: app, stdio: 'ignore' },
    );
    cpSync(join(REPO_ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    execFileSync('chmod', ['-R', 'a-w,a+rX', app]);
    // As the image's numeric user when the tests run as root (as CI does), so the tree is truly read-only.
    const asImageUser = process.getuid?.() === 0 ? { uid: 65532, gid: 65532 } : {};

    const check = spawn(process.execPath, [join(app, 'dist/cli.js'), 'check', SEED_RESTORE], {
      cwd: app,
      ...asImageUser,
    });
    let output = '';
    check.stdout.on('data', (chunk) => {
      output += chunk;
    });
    expect(await new Promise((resolve) => check.on('close', resolve))).toBe(1);
    expect(output).toContain('FAILS TO RESTORE');

    const serve = spawn(
      process.execPath,
      [join(app, 'dist/cli.js'), 'serve', '--port', '0', '--shutdown-delay', '0'],
      { cwd: app, ...asImageUser },
    );
    try {
      let logs = '';
      const port = await new Promise<number>((resolve, reject) => {
        serve.stderr.on('data', (chunk) => {
          logs += chunk;
          const match = /serving on https:\/\/127\.0\.0\.1:(\d+)/.exec(logs);
          if (match) resolve(Number(match[1]));
        });
        serve.on('exit', () => reject(new Error(`serve exited:\n${logs}`)));
      });
      const { status } = await send(port, '', { method: 'GET', path: '/healthz', insecure: true });
      expect(status).toBe(200);
    } finally {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.on('exit', resolve));
    }
  }, 60_000);
});
