// --overlay2, its pod annotation, and rootfs hints (MODEL.md section 3).
import { describe, expect, it } from '@jest/globals';
import { analyzePod } from '../../src/gvisor/analyze.js';
import {
  effectiveOverlay2,
  formatOverlay2,
  parseOverlay2,
  parseRootfsHint,
} from '../../src/gvisor/overlay.js';
import { parseRunsc } from '../../src/gvisor/variants.js';
import { container, pod } from '../helpers.js';

describe('parseOverlay2', () => {
  it.each(['none', 'root:self', 'all:memory', 'root:dir=/tmp', 'all:self,size=1g', 'root:'])(
    'accepts %s',
    (value) => {
      const parsed = parseOverlay2(value);
      expect(parsed.ok).toBe(true);
      if (parsed.ok && value !== 'root:') expect(formatOverlay2(parsed.value)).toBe(value);
    },
  );

  it.each([
    ['self', 'expected format is --overlay2={mount}:{medium}[,size={size}], got "self"'],
    ['sub:self', 'unexpected mount specifier for --overlay2: "sub"'],
    ['root:disk', 'unexpected medium: "disk"'],
    ['root:dir=tmp', 'overlay host file directory should be an absolute path, got "tmp"'],
    ['root:self,1g', 'expected format is --overlay2={mount}:{medium}[,size={size}], got "root:self,1g"'],
  ])('rejects %s with runsc text', (value, error) => {
    expect(parseOverlay2(value)).toEqual({ ok: false, error });
  });
});

describe('dev.gvisor.flag.overlay2', () => {
  const base = parseOverlay2('root:self');
  if (!base.ok) throw new Error('unreachable');

  it('overrides the runtime setting with none, memory or self', () => {
    const result = effectiveOverlay2(base.value, { 'dev.gvisor.flag.overlay2': 'root:memory' });
    expect(result).toMatchObject({ ok: true, overridden: true, value: { medium: 'memory' } });
  });

  it('refuses dir= without --allow-flag-override, so the pod does not start', () => {
    expect(effectiveOverlay2(base.value, { 'dev.gvisor.flag.overlay2': 'root:dir=/tmp' })).toEqual({
      ok: false,
      overridden: true,
      error:
        'error setting flag overlay2="root:dir=/tmp": "root:dir=/tmp" overlay medium requires flag "allow-flag-override" to be enabled',
    });
  });

  it('changes which rootfs owns a memory file', () => {
    const p = pod([container('app')], { annotations: { 'dev.gvisor.flag.overlay2': 'root:memory' } });
    expect(analyzePod(p, { variant: 'pre-fix' }).simulation.savedOwners).toEqual([]);
  });
});

describe('rootfs hints', () => {
  it('need both source and type: overlay alone keeps the pod from starting', () => {
    const result = parseRootfsHint({ 'dev.gvisor.spec.rootfs.overlay': 'memory' });
    expect(result).toEqual({
      ok: false,
      error:
        'rootfs annotations missing required field(s): &{Mount:{Destination: Type: Source: Options:[] UIDMappings:[] GIDMappings:[]} Overlay:memory Size: SuppressDirectFS:false}',
    });
  });

  it('replace the rootfs medium when complete', () => {
    const result = parseRootfsHint({
      'dev.gvisor.spec.rootfs.source': '/tmp/rootfs.img',
      'dev.gvisor.spec.rootfs.type': 'erofs',
      'dev.gvisor.spec.rootfs.overlay': 'memory',
      'dev.gvisor.spec.rootfs.options': 'size=100m',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        source: '/tmp/rootfs.img',
        type: 'erofs',
        overlay: 'memory',
        size: '100m',
        directfsOff: false,
      },
    });
  });

  it.each([
    ['source', 'invalid', 'source should be an absolute path, got "invalid"'],
    ['type', 'invalid', 'invalid type "invalid"'],
    ['overlay', 'invalid', 'unexpected medium: "invalid"'],
    ['invalid', 'invalid', 'invalid rootfs annotation: invalid=invalid'],
    ['directfs', 'maybe', 'invalid directfs value "maybe", want "default" or "off"'],
  ])('reject an invalid %s, fatally', (field, value, error) => {
    expect(parseRootfsHint({ [`dev.gvisor.spec.rootfs.${field}`]: value })).toEqual({
      ok: false,
      error: `invalid rootfs annotation (key = "${field}", value = "${value}"): ${error}`,
    });
  });
});

describe('--runsc', () => {
  it.each([
    ['pre-fix', 'pre-fix'],
    ['fixed', 'fixed'],
    ['pod-global', 'pod-global'],
    ['release-20260727.0', 'pre-fix'],
    ['release-20260803.0', 'fixed'],
    ['release-20260803.1', 'fixed'],
    ['release-20261201.0', 'fixed'],
    ['release-20250101.5', 'pre-fix'],
  ])('%s is %s', (value, variant) => {
    expect(parseRunsc(value)).toMatchObject({ ok: true, variant });
  });

  it('rejects anything else, naming the accepted forms', () => {
    expect(parseRunsc('latest')).toEqual({
      ok: false,
      error:
        'unknown runsc "latest": expected pre-fix, fixed, pod-global or a release name like release-20260803.0',
    });
  });
});
