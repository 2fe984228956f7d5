// Model cases as fixtures: test/fixtures/cases/<case>.yaml is judged under
// every runsc variant and compared with <case>.expected.json. After a
// deliberate change, regenerate with UPDATE_GOLDEN=1 npm test and review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { judgeObject } from '../../src/admission/judge.js';
import { VARIANTS } from '../../src/gvisor/variants.js';
import { parseConfig, resolveSettings } from '../../src/policy/config.js';
import { REPO_ROOT } from '../helpers.js';

const CASES = join(REPO_ROOT, 'test', 'fixtures', 'cases');
const update = process.env.UPDATE_GOLDEN === '1';
const files = readdirSync(CASES);
const cases = files.filter((file) => file.endsWith('.yaml')).map((file) => file.slice(0, -'.yaml'.length));

function judge(name: string) {
  const object = parse(readFileSync(join(CASES, `${name}.yaml`), 'utf8'));
  return Object.fromEntries(
    VARIANTS.map((runsc) => [
      runsc,
      judgeObject(`${name}.yaml#1`, object, resolveSettings(parseConfig({}), { runsc })).map((result) => ({
        ...result,
        // The message is checked by the rule tests; here the shape and the simulation.
        findings: result.findings.map(({ rule, severity, containers, volume, inferred }) => ({
          rule,
          severity,
          containers,
          volume,
          inferred,
        })),
      })),
    ]),
  );
}

describe('golden model cases', () => {
  it('has an expected file for every case and a case for every expected file', () => {
    const expected = files
      .filter((file) => file.endsWith('.expected.json'))
      .map((file) => file.slice(0, -'.expected.json'.length));
    if (!update) expect(expected.sort()).toEqual([...cases].sort());
  });

  it.each(cases)('%s', (name) => {
    const actual = judge(name);
    const path = join(CASES, `${name}.expected.json`);
    if (update || !existsSync(path)) {
      if (!update) throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npm test`);
      writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});
