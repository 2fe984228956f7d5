// The containerd shim's rewrite (MODEL.md section 4), against the behaviour
// its own tests pin down (pkg/shim/v1/utils/volumes_test.go).
import { describe, expect, it } from '@jest/globals';
import { containerMountType, locateVolume, rewriteSandbox } from '../../src/gvisor/shim.js';
import { container, emptyDir, pod } from '../helpers.js';

const P = 'dev.gvisor.spec.mount.';
const DIR = '/var/lib/kubelet/pods/uid/volumes/kubernetes.io~empty-dir/testvolume';

describe('the sandbox rewrite', () => {
  const hinted = (extra: Record<string, string>) =>
    pod([container('c', { '/test': 'testvolume' })], {
      annotations: {
        [`${P}testvolume.share`]: 'pod',
        [`${P}testvolume.type`]: 'tmpfs',
        [`${P}testvolume.options`]: 'ro',
        ...extra,
      },
      volumes: [emptyDir('testvolume')],
    });

  it('adds the volume directory as source and keeps type tmpfs for an empty emptyDir', () => {
    const { annotations, errors } = rewriteSandbox(hinted({}), 'uid');
    expect(errors).toEqual([]);
    expect(annotations).toEqual({
      [`${P}testvolume.share`]: 'pod',
      [`${P}testvolume.type`]: 'tmpfs',
      [`${P}testvolume.options`]: 'ro',
      [`${P}testvolume.source`]: DIR,
    });
  });

  it('turns type bind into tmpfs (the share stays)', () => {
    const p = hinted({ [`${P}testvolume.type`]: 'bind', [`${P}testvolume.share`]: 'container' });
    expect(rewriteSandbox(p, 'uid').annotations).toMatchObject({
      [`${P}testvolume.type`]: 'tmpfs',
      [`${P}testvolume.share`]: 'container',
    });
  });

  it('force-shared makes it bind with share shared; force-shared false is a no-op', () => {
    expect(
      rewriteSandbox(hinted({ 'dev.gvisor.empty-dir.testvolume.force-shared': 'true' }), 'uid').annotations,
    ).toMatchObject({
      [`${P}testvolume.type`]: 'bind',
      [`${P}testvolume.share`]: 'shared',
    });
    expect(
      rewriteSandbox(hinted({ 'dev.gvisor.empty-dir.testvolume.force-shared': 'false' }), 'uid').annotations,
    ).toMatchObject({
      [`${P}testvolume.type`]: 'tmpfs',
    });
  });

  it('fails for a volume the pod does not have', () => {
    const p = pod([container('c')], {
      annotations: { [`${P}notexist.type`]: 'tmpfs', [`${P}notexist.share`]: 'pod' },
    });
    expect(rewriteSandbox(p, 'uid').errors).toEqual([
      {
        volume: 'notexist',
        key: `${P}notexist.type`,
        text: 'get volume path for "notexist": unexpected matched volume list []',
      },
    ]);
  });

  it('fails for a hostPath volume, and (inferred) for a PersistentVolumeClaim', () => {
    const p = pod([container('c')], {
      annotations: { [`${P}h.type`]: 'bind', [`${P}claim.type`]: 'bind' },
      volumes: [
        { name: 'h', hostPath: { path: '/data' } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'c' } },
      ],
    });
    expect(rewriteSandbox(p, 'uid').errors.map((e) => [e.volume, e.inferred])).toEqual([
      ['claim', 'pvc-volume-dir'],
      ['h', undefined],
    ]);
  });

  it('acts only on .type keys: a hint with share but no type is left alone', () => {
    const p = pod([container('c')], {
      annotations: { [`${P}testvolume.share`]: 'pod' },
      volumes: [emptyDir('testvolume')],
    });
    expect(rewriteSandbox(p, 'uid').annotations).toEqual({ [`${P}testvolume.share`]: 'pod' });
  });

  it('sets the source of a hinted non-emptyDir volume without touching its type', () => {
    const p = pod([container('c')], {
      annotations: { [`${P}cm.type`]: 'bind' },
      volumes: [{ name: 'cm', configMap: { name: 'x' } }],
    });
    expect(rewriteSandbox(p, 'uid').annotations).toEqual({
      [`${P}cm.type`]: 'bind',
      [`${P}cm.source`]: '/var/lib/kubelet/pods/uid/volumes/kubernetes.io~configmap/cm',
    });
  });
});

describe('container mounts', () => {
  const p = pod([container('c', { '/test': 'testvolume', '/random': 'other' })], {
    annotations: { [`${P}testvolume.type`]: 'tmpfs', [`${P}testvolume.share`]: 'pod' },
    volumes: [emptyDir('testvolume'), emptyDir('other')],
  });
  const rewrite = rewriteSandbox(p, 'uid');

  it("take the pod's own hint type for the volume directory; other volumes stay bind", () => {
    expect(containerMountType(p, rewrite, 'testvolume', emptyDir('testvolume'), true)).toBe('tmpfs');
    expect(containerMountType(p, rewrite, 'other', emptyDir('other'), true)).toBe('bind');
  });

  it('stay bind for a volume without a kubelet volume directory (hostPath)', () => {
    expect(
      containerMountType(p, rewrite, 'testvolume', { name: 'testvolume', hostPath: { path: '/x' } }, false),
    ).toBe('bind');
  });

  it('locate emptyDirs in the kubelet pod directory', () => {
    expect(locateVolume(emptyDir('testvolume'), 'uid')).toEqual({
      dir: DIR,
      mountSource: DIR,
      kind: 'emptyDir',
    });
  });
});
