// docs/rules.md and the registry agree both ways, as do the JSON schema and
// the rule ids it lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RULES } from '../../src/policy/registry.js';
import { REPO_ROOT } from '../helpers.js';

const rulesDoc = readFileSync(join(REPO_ROOT, 'docs', 'rules.md'), 'utf8');
const documented = [...rulesDoc.matchAll(/^## ([a-z0-9-]+)$/gm)].map((match) => match[1]);
const registered = RULES.map((rule) => rule.id);

describe('docs/rules.md', () => {
  it('documents every registered rule, and no other, in registry order', () => {
    expect(documented).toEqual(registered);
  });

  it('lists every rule in its table with the severity the rule reports', () => {
    for (const rule of RULES) {
      const severity = rule.severity === 'restore' ? 'restore failure' : rule.severity;
      expect(rulesDoc).toMatch(new RegExp(`\\| \\[${rule.id}\\]\\(#${rule.id}\\) +\\| ${severity} +\\|`));
    }
  });

  it('has the rule ids the architecture names (and the JSON schema lists)', () => {
    const schema = readFileSync(join(REPO_ROOT, 'docs', 'check-output.schema.json'), 'utf8');
    const listed = /known at the start: ([a-z0-9, -]+)"/.exec(schema)?.[1]?.split(', ') ?? [];
    expect(listed.length).toBe(13);
    expect([...registered].sort()).toEqual(expect.arrayContaining([...listed].sort()));
  });
});
