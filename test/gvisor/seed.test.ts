// The public manifests that use these hints, under every runsc variant.
import { describe, expect, it } from '@jest/globals';
import { analyzePod } from '../../src/gvisor/analyze.js';
import { loadPod, REAL_FIXTURES, SEED_RESTORE } from '../helpers.js';

const SEED_ERROR =
  'inconsistent private memory files on restore: savedMFOwners = [writer-a:/ writer-a:/workspace writer-b:/], ' +
  'mfmap = map[writer-a:/ ... writer-a:/workspace ... writer-b:/ ... writer-b:/workspace ...]';

describe('the seed restore pod (ws-shared-restore)', () => {
  const seed = loadPod(SEED_RESTORE);

  it('fails under pre-fix runsc with the error from the original bug report', () => {
    const { simulation, startFailures } = analyzePod(seed, { variant: 'pre-fix' });
    expect(startFailures).toEqual([]);
    expect(simulation.savedOwners).toEqual(['writer-a:/', 'writer-a:/workspace', 'writer-b:/']);
    expect(simulation.restoreKeys).toEqual([
      'writer-a:/',
      'writer-a:/workspace',
      'writer-b:/',
      'writer-b:/workspace',
    ]);
    expect(simulation.error).toBe(SEED_ERROR);
    expect(simulation.inferred).toEqual([]);
  });

  it.each(['fixed', 'pod-global'] as const)('restores under %s runsc', (variant) => {
    const { simulation } = analyzePod(seed, { variant });
    expect(simulation.restoreKeys).toEqual(['writer-a:/', 'writer-a:/workspace', 'writer-b:/']);
    expect(simulation.error).toBeNull();
  });
});

describe('the pod it was checkpointed from (ws-shared-pod)', () => {
  const running = loadPod(`${REAL_FIXTURES}/02_runsc-task-restore_ws-shared-pod.yaml`);

  it('has the same memory files, so restoring the seed from it fails the same way', () => {
    const restore = loadPod(SEED_RESTORE);
    const { simulation } = analyzePod(restore, { variant: 'pre-fix', checkpointed: running });
    expect(simulation.specMismatches).toEqual([]); // the restore annotation is dev.gvisor.internal.*
    expect(simulation.error).toBe(SEED_ERROR);
  });
});

describe("gVisor's documented shared-folder pod (type tmpfs, share pod)", () => {
  const pod = loadPod(`${REAL_FIXTURES}/01_gvisor_g3doc_shared-folder-test.yaml`);

  it.each(['pre-fix', 'fixed', 'pod-global'] as const)(
    'shares one in-memory tmpfs and restores under %s',
    (variant) => {
      const analysis = analyzePod(pod, { variant });
      expect(analysis.sandbox.containers.slice(1).map((c) => c.mounts.map((m) => m.kind))).toEqual([
        ['shared-memory-tmpfs'],
        ['shared-memory-tmpfs'],
      ]);
      expect(analysis.hints.hints.get('shared-folder')?.options).toEqual(['rw', 'rprivate']);
      expect(analysis.simulation.savedOwners).toEqual(['container1:/', 'container2:/']);
      expect(analysis.simulation.error).toBeNull();
    },
  );
});
