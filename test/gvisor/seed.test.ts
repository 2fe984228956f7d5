import { describe, expect, it } from '@jest/globals';
import { analyzePod } from '../../src/gvisor/analyze.js';
import { loadPod, SEED_RESTORE } from '../helpers.js';

describe('the seed restore pod (ws-shared-restore)', () => {
  const seed = loadPod(SEED_RESTORE);

  it('fails under pre-fix runsc with the error from the original bug report', () => {
    const { simulation } = analyzePod(seed, { variant: 'pre-fix' });
    expect(simulation.savedOwners).toEqual(['writer-a:/', 'writer-a:/workspace', 'writer-b:/']);
    expect(simulation.restoreKeys).toEqual([
      'writer-a:/',
      'writer-a:/workspace',
      'writer-b:/',
      'writer-b:/workspace',
    ]);
    expect(simulation.error).toBe(
      'inconsistent private memory files on restore: savedMFOwners = [writer-a:/ writer-a:/workspace writer-b:/], ' +
        'mfmap = map[writer-a:/ ... writer-a:/workspace ... writer-b:/ ... writer-b:/workspace ...]',
    );
  });

  it.each(['fixed', 'pod-global'] as const)('restores under %s runsc', (variant) => {
    const { simulation } = analyzePod(seed, { variant });
    expect(simulation.restoreKeys).toEqual(['writer-a:/', 'writer-a:/workspace', 'writer-b:/']);
    expect(simulation.error).toBeNull();
  });
});
