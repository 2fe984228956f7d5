// `restore-guard simulate` through its binary.
import { describe, expect, it } from '@jest/globals';
import { SEED_RESTORE } from '../helpers.js';
import { runCli } from './run.js';

describe('simulate', () => {
  it('walks the seed pod step by step and shows each variant side by side', async () => {
    const { code, stdout } = await runCli(['simulate', SEED_RESTORE]);
    expect(code).toBe(0);
    expect(stdout).toContain('  dev.gvisor.spec.mount.workspace.type: bind -> tmpfs');
    expect(stdout).toContain('  2. writer-a (app): rootfs overlay self -> memory file writer-a:/');
    expect(stdout).toContain(
      '/workspace  volume workspace: shared disk-backed tmpfs, master created here -> memory file writer-a:/workspace',
    );
    expect(stdout).toContain(
      '/workspace  volume workspace: shared disk-backed tmpfs, reuses the master (its filestore FD is closed)',
    );
    expect(stdout).toMatch(/writer-b:\/workspace +- +registered +- +- *\n/);
    expect(stdout).toContain(
      '  pre-fix:    inconsistent private memory files on restore: savedMFOwners = [writer-a:/ writer-a:/workspace writer-b:/]',
    );
    expect(stdout).toContain('  fixed:      restores');
  });

  it('prints JSON with every variant', async () => {
    const { code, stdout } = await runCli(['simulate', '-o', 'json', SEED_RESTORE]);
    expect(code).toBe(0);
    const output = JSON.parse(stdout);
    expect(output.variants.fixed).toEqual({
      savedOwners: ['writer-a:/', 'writer-a:/workspace', 'writer-b:/'],
      restoreKeys: ['writer-a:/', 'writer-a:/workspace', 'writer-b:/'],
      error: null,
    });
    expect(output.containers.map((c: { name: string }) => c.name)).toEqual([
      '__no_name_0',
      'writer-a',
      'writer-b',
    ]);
  });

  it('needs exactly one file', async () => {
    const { code, stderr } = await runCli(['simulate']);
    expect(code).toBe(2);
    expect(stderr).toContain('simulate takes exactly one FILE');
  });
});
