// parseDocuments (what `check` and `simulate` read) on any text: documents or
// InputError entries, never an exception, never a hang or a blown heap.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { InputError } from '../../src/cli/errors.js';
import { parseDocuments } from '../../src/cli/input.js';
import { evilString, modelObject, mutated, realObject } from './arbitraries.js';

const FILE = 'fuzz.yaml';

function check(text: string) {
  const started = performance.now();
  const results = parseDocuments(FILE, text);
  const elapsed = performance.now() - started;
  expect(Array.isArray(results)).toBe(true);
  let previous = 0;
  for (const result of results) {
    if (result instanceof InputError) {
      expect(result.message.startsWith(`${FILE}: document `)).toBe(true);
      continue;
    }
    expect(result.file).toBe(FILE);
    expect(result.index).toBeGreaterThan(previous);
    expect(result.source).toBe(`${FILE}#${result.index}`);
    expect(result.value === null || result.value === undefined).toBe(false);
    previous = result.index;
  }
  // Generous: the texts here are at most a few hundred kB; a hang would take far longer.
  expect(elapsed).toBeLessThan(5000);
}

/** Pieces of YAML syntax, glued at random: anchors, aliases, tags, flow, block, documents. */
const SYNTAX = [
  '- ',
  ': ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a ',
  '&b ',
  '*a',
  '*b',
  '*missing',
  '!!str ',
  '!!map ',
  '!!binary ',
  '!!int ',
  '!!float ',
  '!!set ',
  '!!omap ',
  '!custom ',
  '!<tag:yaml.org,2002:str> ',
  '<<: *a',
  '---\n',
  '--- ',
  '...\n',
  '%YAML 1.2\n',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
  '|\n',
  '|-\n',
  '>+\n',
  '"',
  "'",
  '\\',
  '#',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  ' ',
  'key',
  'kind: Pod',
  'apiVersion: v1',
  '0x1F',
  '0o17',
  '1e999',
  '.nan',
  '-.inf',
  '~',
  'null',
  'yes',
  '2026-01-01',
  '\ufeff',
  '\u0000',
  '\ud800',
  '\u2028',
];

const yamlSoup = fc.array(fc.constantFrom(...SYNTAX), { maxLength: 60 }).map((parts) => parts.join(''));

/** Random bytes read as UTF-8, as `readFile(..., 'utf8')` would. */
const randomBytes = fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8'));

/** A real or generated object as YAML, then with random characters replaced, inserted or deleted. */
const damagedYaml = fc
  .tuple(
    fc.oneof(realObject, modelObject({ hugeMax: 2000 }), mutated(realObject)),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.oneof(fc.constantFrom(...SYNTAX), evilString())), {
      maxLength: 4,
    }),
  )
  .map(([object, edits]) => {
    let text = stringify(object, { aliasDuplicateObjects: false }) ?? '';
    for (const [at, remove, insert] of edits) {
      const position = at % (text.length + 1);
      text = text.slice(0, position) + insert + text.slice(position + remove);
    }
    return text;
  });

/** The billion laughs: each level aliases the previous one `fanout` times. */
const aliasBomb = fc
  .tuple(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 30 }), fc.boolean())
  .map(([fanout, levels, flow]) => {
    const lines = ['l0: &l0 "lol"'];
    for (let level = 1; level < levels; level += 1) {
      const refs = Array.from({ length: fanout }, () => `*l${level - 1}`);
      lines.push(
        flow
          ? `l${level}: &l${level} [${refs.join(', ')}]`
          : `l${level}: &l${level}\n  - ${refs.join('\n  - ')}`,
      );
    }
    return lines.join('\n');
  });

/** Collections nested up to 20,000 deep, in flow or block style, in one or several documents. */
const deepYaml = fc
  .tuple(
    fc.integer({ min: 1, max: 20_000 }),
    fc.constantFrom('flow-seq', 'flow-map', 'block-seq', 'block-map', 'mixed'),
    fc.integer({ min: 1, max: 3 }),
  )
  .map(([depth, shape, documents]) => {
    const one = (() => {
      switch (shape) {
        case 'flow-seq':
          return `${'['.repeat(depth)}x${']'.repeat(depth)}`;
        case 'flow-map':
          return `${'{a: '.repeat(depth)}x${'}'.repeat(depth)}`;
        case 'block-seq':
          return `${'- '.repeat(depth)}x`;
        case 'block-map':
          return Array.from({ length: Math.min(depth, 2000) }, (_, level) => `${' '.repeat(level)}k:`).join(
            '\n',
          );
        default:
          return `${'- ['.repeat(depth)}${']'.repeat(depth)}`;
      }
    })();
    return Array.from({ length: documents }, () => one).join('\n---\n');
  });

/** Many anchors each used once: every alias is resolved against every node before it. */
const manyAliases = fc
  .integer({ min: 1, max: 3000 })
  .map((count) => Array.from({ length: count }, (_, index) => `- &a${index} x\n- *a${index}`).join('\n'));

describe('parseDocuments', () => {
  // yaml's toJS warns on stderr ("Keys with collection values will be stringified ...") for the
  // complex keys generated here: harmless, and noise in the test output.
  const emitWarning = jest.spyOn(process, 'emitWarning');
  beforeAll(() => {
    emitWarning.mockImplementation(() => {});
  });
  afterAll(() => {
    emitWarning.mockRestore();
  });

  it('never throws on random text, unicode and control characters', () => {
    fc.assert(fc.property(fc.oneof(evilString(), fc.string({ unit: 'binary', maxLength: 300 })), check), {
      numRuns: 300,
    });
  });

  it('never throws on random bytes decoded as UTF-8', () => {
    fc.assert(fc.property(randomBytes, check), { numRuns: 300 });
  });

  it('never throws on random YAML syntax (anchors, aliases, tags, merge keys, directives)', () => {
    fc.assert(fc.property(yamlSoup, check), { numRuns: 500 });
  });

  it('never throws on damaged real and generated manifests', () => {
    fc.assert(fc.property(damagedYaml, check), { numRuns: 200 });
  });

  it('turns alias bombs into an InputError, quickly', () => {
    fc.assert(fc.property(aliasBomb, check), { numRuns: 60 });
  });

  it('survives collections nested up to 20,000 deep, several in a row', () => {
    fc.assert(fc.property(deepYaml, check), { numRuns: 30 });
  });

  it('reads thousands of anchors and aliases in reasonable time', () => {
    fc.assert(fc.property(manyAliases, check), { numRuns: 5 });
  });
});
