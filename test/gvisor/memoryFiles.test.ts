// MODEL.md sections 2-4 and 6, row by row: which mounts own a private
// MemoryFile, under which key, and what each runsc variant restores.
import { describe, expect, it } from '@jest/globals';
import { analyzePod } from '../../src/gvisor/analyze.js';
import { compareKeys, loadOutcome } from '../../src/gvisor/memoryFiles.js';
import type { Volume } from '../../src/gvisor/pod.js';
import { container, emptyDir, pod, sharedHint } from '../helpers.js';

const twoWriters = (annotations: Record<string, string>, volumes: Volume[] = [emptyDir('ws')]) =>
  pod([container('a', { '/ws': 'ws' }), container('b', { '/ws': 'ws' })], { annotations, volumes });

function mountKind(annotations: Record<string, string>, volumes: Volume[] = [emptyDir('ws')]) {
  const analysis = analyzePod(twoWriters(annotations, volumes), { variant: 'pre-fix' });
  return analysis.sandbox.containers.slice(1).map((c) => c.mounts[0]?.kind);
}

describe('MODEL.md section 3: which mounts own a private MemoryFile', () => {
  it('a container rootfs under the default root:self owns <name>:/', () => {
    const analysis = analyzePod(pod([container('app')]), { variant: 'pre-fix' });
    expect(analysis.simulation.savedOwners).toEqual(['app:/']);
  });

  it('a read-only rootfs owns none', () => {
    const p = pod([container('app', {}, { securityContext: { readOnlyRootFilesystem: true } })]);
    expect(analyzePod(p, { variant: 'pre-fix' }).simulation.savedOwners).toEqual([]);
  });

  it.each([
    ['root:memory', []],
    ['none', []],
    ['root:dir=/var/gvisor', ['app:/']],
    ['all:self', ['app:/']],
  ])('rootfs under --overlay2=%s', (overlay2, expected) => {
    expect(
      analyzePod(pod([container('app')]), { variant: 'pre-fix', overlay2 }).simulation.savedOwners,
    ).toEqual(expected);
  });

  it('the pause container never owns one', () => {
    const analysis = analyzePod(pod([container('app')]), { variant: 'pre-fix' });
    expect(analysis.sandbox.containers[0]).toMatchObject({
      name: '__no_name_0',
      role: 'pause',
      rootfs: { filestore: false },
    });
  });

  it('a shared disk-backed tmpfs owns one, once per sandbox, under its first mounter', () => {
    const analysis = analyzePod(twoWriters(sharedHint('ws')), { variant: 'pre-fix' });
    expect(analysis.simulation.savedOwners).toEqual(['a:/', 'a:/ws', 'b:/']);
  });

  it('a hinted bind mount (type stays bind, share pod) owns one per container, and a second mounter fails to start', () => {
    const volumes: Volume[] = [{ name: 'ws', configMap: { name: 'cm' } }];
    const single = analyzePod(
      pod([container('a', { '/ws': 'ws' })], { annotations: sharedHint('ws'), volumes }),
      {
        variant: 'pre-fix',
      },
    );
    expect(single.simulation.savedOwners).toEqual(['a:/', 'a:/ws']);
    const double = analyzePod(twoWriters(sharedHint('ws'), volumes), { variant: 'pre-fix' });
    expect(double.startFailures.map((f) => [f.cause, f.containers, f.inferred])).toEqual([
      ['repeated-filestore', ['a', 'b'], ['repeated-submount']],
    ]);
    expect(double.startFailures[0]?.text).toBe(
      '"/var/lib/kubelet/pods/<pod-uid>/volumes/kubernetes.io~configmap/ws" mount source already has a filestore file at ' +
        '"/proc/<gofer-pid>/root/var/lib/kubelet/pods/<pod-uid>/volumes/kubernetes.io~configmap/ws/.gvisor.filestore.<sandbox-id>"; ' +
        'repeated submounts are not supported with overlay optimizations',
    );
  });

  it('an un-hinted bind mount under all:self owns one per container; two mounters of one source fail to start', () => {
    const single = analyzePod(pod([container('a', { '/data': 'd' })], { volumes: [emptyDir('d')] }), {
      variant: 'pre-fix',
      overlay2: 'all:self',
    });
    expect(single.simulation.savedOwners).toEqual(['a:/', 'a:/data']);
    const double = analyzePod(
      pod([container('a', { '/d': 'd' }), container('b', { '/d': 'd' })], { volumes: [emptyDir('d')] }),
      {
        variant: 'pre-fix',
        overlay2: 'all:self',
      },
    );
    expect(double.startFailures.map((f) => f.cause)).toEqual(['repeated-filestore']);
  });

  it('all:dir= gives every mount its own file, so two mounters start', () => {
    const analysis = analyzePod(
      pod([container('a', { '/d': 'd' }), container('b', { '/d': 'd' })], { volumes: [emptyDir('d')] }),
      {
        variant: 'pre-fix',
        overlay2: 'all:dir=/var/gvisor',
      },
    );
    expect(analysis.startFailures).toEqual([]);
    expect(analysis.simulation.savedOwners).toEqual(['a:/', 'a:/d', 'b:/', 'b:/d']);
  });

  it('a read-only un-hinted mount gets no overlay, even under all:self', () => {
    const p = pod([{ name: 'a', volumeMounts: [{ name: 'd', mountPath: '/d', readOnly: true }] }], {
      volumes: [emptyDir('d')],
    });
    expect(analyzePod(p, { variant: 'pre-fix', overlay2: 'all:self' }).simulation.savedOwners).toEqual([
      'a:/',
    ]);
  });

  it('a read-only mount of a sandbox-local hint still gets a self overlay (and counts)', () => {
    const p = pod(
      [
        container('a', { '/ws': 'ws' }),
        { name: 'b', volumeMounts: [{ name: 'ws', mountPath: '/ws', readOnly: true }] },
      ],
      { annotations: sharedHint('ws'), volumes: [emptyDir('ws')] },
    );
    const analysis = analyzePod(p, { variant: 'pre-fix' });
    expect(analysis.sandbox.containers[2]?.mounts[0]).toMatchObject({
      kind: 'shared-disk-tmpfs',
      filestore: true,
    });
    expect(analysis.simulation.restoreKeys).toContain('b:/ws');
  });

  it('an OCI tmpfs mount (emptyDir hinted tmpfs) owns none', () => {
    const analysis = analyzePod(twoWriters(sharedHint('ws', 'tmpfs')), { variant: 'pre-fix' });
    expect(analysis.simulation.savedOwners).toEqual(['a:/', 'b:/']);
    expect(analysis.simulation.error).toBeNull();
  });

  it('a hostPath file volume falls back to memory instead of a self filestore', () => {
    const p = pod([container('a', { '/etc/x.conf': 'f' })], {
      volumes: [{ name: 'f', hostPath: { path: '/x.conf', type: 'File' } }],
    });
    const analysis = analyzePod(p, { variant: 'pre-fix', overlay2: 'all:self' });
    expect(analysis.sandbox.containers[1]?.mounts[0]).toMatchObject({
      medium: 'memory',
      filestore: false,
      inferred: ['hostpath-file'],
    });
  });
});

describe('MODEL.md section 4: pod hint type and share -> what runsc makes of an emptyDir', () => {
  it.each([
    ['bind', 'pod', 'shared-disk-tmpfs'],
    ['bind', 'container', 'shared-disk-tmpfs'],
    ['tmpfs', 'pod', 'shared-memory-tmpfs'],
    ['tmpfs', 'container', 'shared-memory-tmpfs'],
    // MODEL.md's table says "plain gofer bind" for share=shared; the shim makes
    // the container mounts tmpfs (the pod's own type), and share=shared is not
    // shared by runsc: each container gets its own in-memory tmpfs.
    ['tmpfs', 'shared', 'tmpfs'],
    ['bind', 'shared', 'bind'],
  ])('type %s, share %s -> %s', (type, share, kind) => {
    expect(mountKind(sharedHint('ws', type, share))).toEqual([kind, kind]);
  });

  it('force-shared makes a plain gofer bind whatever the hint', () => {
    expect(mountKind({ ...sharedHint('ws'), 'dev.gvisor.empty-dir.ws.force-shared': 'true' })).toEqual([
      'bind',
      'bind',
    ]);
    expect(mountKind({ ...sharedHint('ws'), 'dev.gvisor.empty-dir.ws.force-shared': 'T' })).toEqual([
      'bind',
      'bind',
    ]);
    expect(mountKind({ ...sharedHint('ws'), 'dev.gvisor.empty-dir.ws.force-shared': 'yes' })).toEqual([
      'shared-disk-tmpfs',
      'shared-disk-tmpfs',
    ]);
  });

  it('no hint makes a plain gofer bind', () => {
    expect(mountKind({})).toEqual(['bind', 'bind']);
  });

  it('a subPath mount never matches the hint', () => {
    const p = pod(
      [
        container('a', { '/ws': 'ws' }),
        { name: 'b', volumeMounts: [{ name: 'ws', mountPath: '/ws', subPath: 'b' }] },
      ],
      { annotations: sharedHint('ws'), volumes: [emptyDir('ws')] },
    );
    const analysis = analyzePod(p, { variant: 'pre-fix' });
    expect(analysis.sandbox.containers.slice(1).map((c) => c.mounts[0]?.kind)).toEqual([
      'shared-disk-tmpfs',
      'bind',
    ]);
    expect(analysis.simulation.error).toBeNull();
  });
});

describe('MODEL.md section 2: the runsc variants', () => {
  it('pre-fix fails when one container mounts the volume twice', () => {
    const p = pod([container('a', { '/ws': 'ws', '/ws2': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const analysis = analyzePod(p, { variant: 'pre-fix' });
    expect(analysis.simulation.savedOwners).toEqual(['a:/', 'a:/ws']);
    expect(analysis.simulation.restoreKeys).toEqual(['a:/', 'a:/ws', 'a:/ws2']);
    expect(analysis.simulation.error).toMatch(/^inconsistent private memory files on restore: /);
    expect(analyzePod(p, { variant: 'fixed' }).simulation.error).toBeNull();
  });

  it('fixed fails when another container restores the volume first', () => {
    const checkpointed = twoWriters(sharedHint('ws'));
    const restore = pod([container('b', { '/ws': 'ws' }), container('a', { '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const analysis = analyzePod(restore, { variant: 'fixed', checkpointed });
    expect(analysis.simulation.savedOwners).toEqual(['a:/', 'a:/ws', 'b:/']);
    expect(analysis.simulation.restoreKeys).toEqual(['a:/', 'b:/', 'b:/ws']);
    expect(analysis.simulation.error).toBe('Memory file for "a:/ws" not found in CtxMemoryFileMap');
    expect(analysis.simulation.inferred).toEqual(['missing-key-panic']);
    expect(analyzePod(restore, { variant: 'pod-global', checkpointed }).simulation.error).toBeNull();
  });

  it('fixed fails when the first restorer mounts it at another path', () => {
    const checkpointed = twoWriters(sharedHint('ws'));
    const restore = pod([container('a', { '/workspace': 'ws' }), container('b', { '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const analysis = analyzePod(restore, { variant: 'fixed', checkpointed });
    expect(analysis.simulation.restoreKeys).toEqual(['a:/', 'a:/workspace', 'b:/']);
    expect(analysis.simulation.error).toBe(
      '"Mounts" does not match across checkpoint restore for container: "a", checkpoint []specs.Mount{...} restore []specs.Mount{...}',
    );
  });
});

describe('MODEL.md section 6: container names and order', () => {
  it('a regular init container that mounts the volume first owns it, and is gone at restore', () => {
    const p = pod([container('app', { '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
      initContainers: [container('setup', { '/ws': 'ws' })],
    });
    for (const variant of ['pre-fix', 'fixed'] as const) {
      const { simulation } = analyzePod(p, { variant });
      expect(simulation.savedOwners).toEqual(['app:/', 'setup:/ws']);
      expect(simulation.restoreKeys).toEqual(['app:/', 'app:/ws']);
      expect(simulation.error).toBe('Memory file for "setup:/ws" not found in CtxMemoryFileMap');
    }
    expect(analyzePod(p, { variant: 'pod-global' }).simulation.error).toBeNull();
  });

  it('a sidecar (restartPolicy Always) owns it and stays in the checkpoint', () => {
    const p = pod([container('app', { '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
      initContainers: [container('side', { '/ws': 'ws' }, { restartPolicy: 'Always' })],
    });
    const { simulation, sandbox } = analyzePod(p, { variant: 'fixed' });
    expect(sandbox.containers.map((c) => c.role)).toEqual(['pause', 'sidecar', 'app']);
    expect(simulation.savedOwners).toEqual(['app:/', 'side:/', 'side:/ws']);
    expect(simulation.error).toBeNull();
  });

  it('of two mounts in one container the shorter destination owns it', () => {
    const p = pod([container('a', { '/longer/path': 'ws', '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const { simulation } = analyzePod(p, { variant: 'fixed' });
    expect(simulation.savedOwners).toEqual(['a:/', 'a:/ws']);
    expect(simulation.restoreKeys).toEqual(['a:/', 'a:/ws']);
  });

  it('equal-length destinations keep spec order but are marked inferred', () => {
    const p = pod([container('a', { '/bb': 'ws', '/aa': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const { simulation } = analyzePod(p, { variant: 'fixed' });
    expect(simulation.savedOwners).toEqual(['a:/', 'a:/bb']);
    expect(simulation.saved.find((e) => e.key === 'a:/bb')?.inferred).toContain('equal-length-order');
  });

  it('a name remap makes the restoring container register under its checkpointed name', () => {
    const checkpointed = twoWriters(sharedHint('ws'));
    const restore = pod([container('a2', { '/ws': 'ws' }), container('b', { '/ws': 'ws' })], {
      annotations: { ...sharedHint('ws'), 'dev.gvisor.container-name-remap.abc123': 'a2=a' },
      volumes: [emptyDir('ws')],
    });
    const { simulation } = analyzePod(restore, { variant: 'fixed', checkpointed });
    expect(simulation.restoreKeys).toEqual(['a:/', 'a:/ws', 'b:/']);
    expect(simulation.error).toBeNull();
  });
});

describe('loadOutcome: what runsc prints', () => {
  it('compares counts when every saved key is present, printing the map sorted with elided values', () => {
    expect(loadOutcome(['a:/'], ['a:/', 'a:/x']).error).toBe(
      'inconsistent private memory files on restore: savedMFOwners = [a:/], mfmap = map[a:/ ... a:/x ...]',
    );
  });

  it('reports the first missing saved key as the kernel-state decode panic', () => {
    expect(loadOutcome(['a:/', 'b:/'], ['a:/', 'c:/', 'd:/'])).toEqual({
      error: 'Memory file for "b:/" not found in CtxMemoryFileMap',
      inferred: ['missing-key-panic'],
    });
  });

  it('succeeds when the sets are equal', () => {
    expect(loadOutcome(['a:/'], ['a:/']).error).toBeNull();
  });

  it('sorts keys as Go sorts ResourceID map keys: by container name, then path', () => {
    expect(['a:/x', 'a-b:/', 'a:/'].sort(compareKeys)).toEqual(['a:/', 'a:/x', 'a-b:/']);
  });
});
