// Runs before `npm start` and `npm test`: on a fresh clone, installs the
// locked dependencies (npm ci) so that either command works first time. Runs
// on whatever Node is on PATH; the project's own Node 24 arrives with the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.error('restore-guard: installing dependencies (npm ci) on first use...');
  const result = spawnSync('npm', ['ci'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
