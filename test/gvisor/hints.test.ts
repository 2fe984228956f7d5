// runsc's mount hint parser (MODEL.md section 5), case by case against the
// behaviour runsc's own tests pin down (runsc/boot/mount_hints_test.go).
import { describe, expect, it } from '@jest/globals';
import {
  incompatibility,
  type MountHint,
  parseMountHints,
  shouldShareMount,
} from '../../src/gvisor/hints.js';

const P = 'dev.gvisor.spec.mount.';

describe('parseMountHints', () => {
  it('keeps complete hints with every field (happy path)', () => {
    const parsed = parseMountHints({
      [`${P}mount1.source`]: 'foo',
      [`${P}mount1.type`]: 'tmpfs',
      [`${P}mount1.share`]: 'pod',
      [`${P}mount2.source`]: 'bar',
      [`${P}mount2.type`]: 'bind',
      [`${P}mount2.share`]: 'container',
      [`${P}mount2.options`]: 'rw,private',
    });
    expect(parsed.fatal).toEqual([]);
    expect(parsed.hints.get('mount1')).toEqual({
      name: 'mount1',
      source: 'foo',
      type: 'tmpfs',
      share: 'pod',
      options: [],
    });
    expect(parsed.hints.get('mount2')).toEqual({
      name: 'mount2',
      source: 'bar',
      type: 'bind',
      share: 'container',
      options: ['rw', 'private'],
    });
  });

  it('is fatal for a key without a field, printing the whole key and value', () => {
    const parsed = parseMountHints({ [`${P}mount1`]: 'foo' });
    expect(parsed.fatal.map((d) => d.text)).toEqual([`invalid mount annotation: ${P}mount1=foo`]);
  });

  it('is fatal for a key with too many parts', () => {
    const parsed = parseMountHints({ [`${P}a.b.type`]: 'tmpfs' });
    expect(parsed.fatal.map((d) => d.text)).toEqual([`invalid mount annotation: ${P}a.b.type=tmpfs`]);
  });

  it('is fatal for an empty name, whose text ends with the (empty) name', () => {
    const parsed = parseMountHints({ [`${P}.source`]: 'foo' });
    expect(parsed.fatal.map((d) => d.text)).toEqual(['invalid mount name: ']);
  });

  it('is fatal for two complete hints with the same source', () => {
    const parsed = parseMountHints({
      [`${P}mount1.source`]: 'foo',
      [`${P}mount1.type`]: 'tmpfs',
      [`${P}mount1.share`]: 'pod',
      [`${P}mount2.source`]: 'foo',
      [`${P}mount2.type`]: 'bind',
      [`${P}mount2.share`]: 'container',
    });
    expect(parsed.fatal.map((d) => d.text)).toEqual([
      'mounts "mount1" and "mount2" have the same mount source "foo"',
    ]);
  });

  it.each([
    ['source', '', 'source cannot be empty'],
    ['type', 'invalid', 'invalid type "invalid"'],
    ['share', 'invalid', 'invalid share value "invalid"'],
  ])('ignores an invalid %s and then drops the incomplete hint', (field, value, error) => {
    const complete: Record<string, string> = { source: 'foo', type: 'tmpfs', share: 'pod' };
    complete[field] = value;
    const parsed = parseMountHints(
      Object.fromEntries(Object.entries(complete).map(([f, v]) => [`${P}mount1.${f}`, v])),
    );
    expect(parsed.fatal).toEqual([]);
    expect(parsed.hints.has('mount1')).toBe(false);
    expect(parsed.ignored.map((d) => d.text)).toEqual([
      `ignoring invalid mount annotation (name = "mount1", key = "${field}", value = "${value}"): ${error}`,
    ]);
    expect(parsed.dropped.map((d) => d.text)).toEqual([
      'ignoring mount annotations for "mount1" because of missing required field(s)',
    ]);
  });

  it('ignores an unknown field without dropping the hint (same words as the fatal key error)', () => {
    const parsed = parseMountHints({
      [`${P}m.source`]: 'foo',
      [`${P}m.type`]: 'tmpfs',
      [`${P}m.share`]: 'pod',
      [`${P}m.color`]: 'blue',
    });
    expect(parsed.fatal).toEqual([]);
    expect(parsed.hints.has('m')).toBe(true);
    expect(parsed.ignored.map((d) => d.text)).toEqual([
      'ignoring invalid mount annotation (name = "m", key = "color", value = "blue"): invalid mount annotation: color=blue',
    ]);
  });

  it('keeps a hint with an invalid directfs value, and one with directfs off', () => {
    const parsed = parseMountHints({
      [`${P}mount1.source`]: 'foo',
      [`${P}mount1.type`]: 'bind',
      [`${P}mount1.share`]: 'container',
      [`${P}mount1.directfs`]: 'maybe',
      [`${P}mount2.source`]: 'bar',
      [`${P}mount2.type`]: 'bind',
      [`${P}mount2.share`]: 'container',
      [`${P}mount2.directfs`]: 'off',
    });
    expect([...parsed.hints.keys()].sort()).toEqual(['mount1', 'mount2']);
    expect(parsed.ignored.map((d) => d.text)).toEqual([
      'ignoring invalid mount annotation (name = "mount1", key = "directfs", value = "maybe"): invalid directfs value "maybe", want "default" or "off"',
    ]);
  });

  it('drops the unsupported options shared and rshared and keeps the rest', () => {
    const parsed = parseMountHints({
      [`${P}mount1.source`]: 'foo',
      [`${P}mount1.type`]: 'tmpfs',
      [`${P}mount1.share`]: 'container',
      [`${P}mount1.options`]: 'rw,shared,noexec',
    });
    expect(parsed.hints.get('mount1')?.options).toEqual(['rw', 'noexec']);
  });

  it('drops a hint that lacks source, type or share', () => {
    const parsed = parseMountHints({ [`${P}v.share`]: 'pod', [`${P}v.type`]: 'bind' });
    expect(parsed.hints.size).toBe(0);
    expect(parsed.dropped.map((d) => d.volume)).toEqual(['v']);
  });

  it('ignores annotations outside the prefix', () => {
    expect(parseMountHints({ 'dev.gvisor.spec.rootfs.overlay': 'memory', other: 'x' })).toEqual({
      hints: new Map(),
      fatal: [],
      ignored: [],
      dropped: [],
    });
  });
});

describe('shared mounts', () => {
  const hint = (
    type: 'tmpfs' | 'bind',
    share: 'container' | 'pod' | 'shared',
    options: string[] = [],
  ): MountHint => ({
    name: 'v',
    source: '/src',
    type,
    share,
    options,
  });

  it('shares tmpfs for share=container exactly as for share=pod, and nothing else', () => {
    expect(shouldShareMount(hint('tmpfs', 'container'))).toBe(true);
    expect(shouldShareMount(hint('tmpfs', 'pod'))).toBe(true);
    expect(shouldShareMount(hint('tmpfs', 'shared'))).toBe(false);
    expect(shouldShareMount(hint('bind', 'pod'))).toBe(false);
  });

  it.each([
    ['empty', [], [], undefined],
    ['same', ['ro', 'noatime', 'noexec'], ['ro', 'noatime', 'noexec'], undefined],
    ['compatible', ['rw', 'atime', 'exec'], ['ro', 'noatime', 'noexec'], undefined],
    ['unsupported options are ignored', ['nofoo', 'nodev'], ['foo', 'dev'], undefined],
    ['incompatible-ro', ['ro'], ['rw'], 'cannot mount read-write shared mount because master is read-only'],
    [
      'incompatible-atime',
      ['noatime'],
      ['atime'],
      'cannot mount atime enabled shared mount because master is noatime',
    ],
    [
      'incompatible-exec',
      ['noexec'],
      ['exec'],
      'cannot mount exec enabled shared mount because master is noexec',
    ],
    ['incompatible-suid', ['nosuid'], [], 'cannot mount suid enabled shared mount because master is nosuid'],
  ])('checkCompatible: %s', (_name, master, replica, expected) => {
    expect(incompatibility(hint('tmpfs', 'pod', master), replica)).toBe(expected);
  });
});
