// The README's metrics table and the metrics the server registers agree both
// ways, names and labels: dashboards and alerts are written from the table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createMetrics } from '../../src/server/metrics.js';
import { REPO_ROOT } from '../helpers.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** `| `name` | `label`, `label` (values) | what |` rows of the metrics table: name -> labels. */
function documented(): Record<string, string[]> {
  const rows = [...readme.matchAll(/^\| `(restore_guard_[a-z_]+)` \|([^|]*)\|/gm)];
  return Object.fromEntries(
    rows.map(([, name, labels]) => [
      name,
      [...(labels ?? '').replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+)`/g)].map((match) => match[1]),
    ]),
  );
}

describe('README metrics table', () => {
  it('lists every restore_guard_ metric the server registers, with its labels, and no other', async () => {
    const { registry } = createMetrics();
    const registered = Object.fromEntries(
      (await registry.getMetricsAsJSON())
        .filter(({ name }) => !/^restore_guard_(process|nodejs)_/.test(name))
        .map((metric) => [
          metric.name,
          (
            (registry.getSingleMetric(metric.name) as unknown as { labelNames: string[] }).labelNames ?? []
          ).slice(),
        ]),
    );
    expect(documented()).toEqual(registered);
  });
});
