// Every rule: when it fires, its severity, and the words a person reads.
import { describe, expect, it } from '@jest/globals';
import type { Container, PodInput, Volume } from '../../src/gvisor/pod.js';
import { parseConfig, resolveSettings, type SettingsOverrides } from '../../src/policy/config.js';
import { evaluatePod } from '../../src/policy/evaluate.js';
import { container, emptyDir, loadPod, pod, SEED_RESTORE, sharedHint } from '../helpers.js';

const RESTORE = { 'dev.gvisor.internal.restore.host-image-path': '/ckpt' };

function gvisor(p: PodInput): PodInput {
  return { ...p, spec: { ...p.spec, runtimeClassName: 'gvisor' } };
}

function findings(p: PodInput, overrides: SettingsOverrides = {}, checkpointed?: PodInput) {
  return evaluatePod(
    gvisor(p),
    resolveSettings(parseConfig({}), overrides),
    checkpointed && gvisor(checkpointed),
  ).findings;
}

function only(p: PodInput, rule: string, overrides: SettingsOverrides = {}, checkpointed?: PodInput) {
  return findings(p, overrides, checkpointed).filter((f) => f.rule === rule);
}

const writers = (
  annotations: Record<string, string>,
  volumes: Volume[] = [emptyDir('ws')],
  extra: Container[] = [],
) =>
  pod(
    [container('writer-a', { '/workspace': 'ws' }), container('writer-b', { '/workspace': 'ws' }), ...extra],
    {
      annotations,
      volumes,
    },
  );

describe('shared-overlay-duplicate', () => {
  it('is an error on the seed restore pod, naming the containers, volume, keys and runsc error', () => {
    const [finding] = only(loadPod(SEED_RESTORE), 'shared-overlay-duplicate');
    expect(finding).toMatchObject({
      severity: 'error',
      containers: ['writer-b'],
      volume: 'workspace',
      inferred: false,
      docs: 'docs/rules.md#shared-overlay-duplicate',
    });
    expect(finding?.message).toBe(
      '[shared-overlay-duplicate] Volume "workspace" (dev.gvisor.spec.mount.workspace.{share=pod, type=bind}) is one disk-backed tmpfs mounted 2 times, by "writer-a", "writer-b". ' +
        'The checkpoint saves its memory file once (writer-a:/workspace), but runsc before release-20260803.0 registers one per mount on restore (writer-a:/workspace, writer-b:/workspace), ' +
        'so restore fails for "writer-b" with "inconsistent private memory files on restore: savedMFOwners = [writer-a:/ writer-a:/workspace writer-b:/], mfmap = map[writer-a:/ ... writer-a:/workspace ... writer-b:/ ... writer-b:/workspace ...]". ' +
        'Fix: run runsc release-20260803.0 or later on the nodes that restore this pod and keep the containers, their order and mountPaths identical to the checkpointed pod; ' +
        "or set dev.gvisor.spec.mount.workspace.type: tmpfs to keep the volume in memory (it is then checkpointed with the sandbox's memory).",
    );
  });

  it('is a warning on a pod that is not a restore, and an error with --assume-restore', () => {
    expect(only(writers(sharedHint('ws')), 'shared-overlay-duplicate').map((f) => f.severity)).toEqual([
      'warning',
    ]);
    expect(
      only(writers(sharedHint('ws')), 'shared-overlay-duplicate', { assumeRestore: true }).map(
        (f) => f.severity,
      ),
    ).toEqual(['error']);
  });

  it('uses the configured restore annotations instead of the defaults', () => {
    const p = writers({ ...sharedHint('ws'), 'example.com/restore-from': '/x' });
    expect(only(p, 'shared-overlay-duplicate')[0]?.severity).toBe('warning');
    expect(
      only(p, 'shared-overlay-duplicate', { restoreAnnotations: ['example.com/restore-from'] })[0]?.severity,
    ).toBe('error');
  });

  it('does not fire under fixed or pod-global runsc, nor for an in-memory shared tmpfs', () => {
    expect(
      only(writers(sharedHint('ws')), 'shared-overlay-duplicate', { runsc: 'release-20260803.0' }),
    ).toEqual([]);
    expect(only(writers(sharedHint('ws')), 'shared-overlay-duplicate', { runsc: 'pod-global' })).toEqual([]);
    expect(only(writers(sharedHint('ws', 'tmpfs')), 'shared-overlay-duplicate')).toEqual([]);
  });
});

describe('shared-overlay-owner-mismatch', () => {
  const initOwned = pod([container('app', { '/ws': 'ws' })], {
    annotations: { ...sharedHint('ws'), ...RESTORE },
    volumes: [emptyDir('ws')],
    initContainers: [container('setup', { '/ws': 'ws' })],
  });

  it('fires when a regular init container created the shared tmpfs', () => {
    const [finding] = only(initOwned, 'shared-overlay-owner-mismatch', { runsc: 'fixed' });
    expect(finding).toMatchObject({
      severity: 'error',
      containers: ['setup', 'app'],
      volume: 'ws',
      inferred: true,
    });
    expect(finding?.message).toContain(
      'was created by regular init container "setup" (gone by checkpoint time) at "/ws", so the checkpoint saves its memory file as "setup:/ws"; ' +
        'the first container to mount it on restore is "app" at "/ws", which registers "app:/ws". Restore fails with "Memory file for "setup:/ws" not found in CtxMemoryFileMap".',
    );
  });

  it('fires when the restore pod puts another container first (--checkpointed)', () => {
    const restore = pod(
      [container('writer-b', { '/workspace': 'ws' }), container('writer-a', { '/workspace': 'ws' })],
      {
        annotations: { ...sharedHint('ws'), ...RESTORE },
        volumes: [emptyDir('ws')],
      },
    );
    const checkpointed = writers(sharedHint('ws'));
    expect(only(restore, 'shared-overlay-owner-mismatch', { runsc: 'fixed' }, checkpointed)).toHaveLength(1);
    expect(only(restore, 'restore-spec-drift', { runsc: 'fixed' }, checkpointed)).toEqual([]);
  });

  it('does not fire when the restore matches', () => {
    expect(
      only(writers({ ...sharedHint('ws'), ...RESTORE }), 'shared-overlay-owner-mismatch', { runsc: 'fixed' }),
    ).toEqual([]);
  });
});

describe('shared-overlay-order-dependent', () => {
  it('warns under fixed when the containers mount the volume at different paths', () => {
    const p = pod([container('a', { '/ws': 'ws' }), container('b', { '/workspace': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
    });
    const [finding] = only(p, 'shared-overlay-order-dependent', { runsc: 'fixed' });
    expect(finding).toMatchObject({ severity: 'warning', containers: ['a', 'b'], inferred: true });
    expect(finding?.message).toContain('the containers mount it at different paths (/ws, /workspace)');
    expect(only(p, 'shared-overlay-order-dependent', { runsc: 'pre-fix' })).toEqual([]);
  });

  it('warns under fixed when a sidecar owns it, and not for the plain two-writer pod', () => {
    const p = pod([container('app', { '/ws': 'ws' })], {
      annotations: sharedHint('ws'),
      volumes: [emptyDir('ws')],
      initContainers: [container('side', { '/ws': 'ws' }, { restartPolicy: 'Always' })],
    });
    expect(only(p, 'shared-overlay-order-dependent', { runsc: 'fixed' })[0]?.message).toContain(
      'its owner "side" is a sidecar container',
    );
    expect(only(writers(sharedHint('ws')), 'shared-overlay-order-dependent', { runsc: 'fixed' })).toEqual([]);
  });
});

describe('restore-spec-drift', () => {
  it('reports a renamed container and the mounts that changed', () => {
    const checkpointed = writers(sharedHint('ws'));
    const restore = pod(
      [container('writer-a', { '/workspace': 'ws' }), container('writer-c', { '/workspace': 'ws' })],
      {
        annotations: { ...sharedHint('ws'), ...RESTORE },
        volumes: [emptyDir('ws')],
      },
    );
    const [finding] = only(restore, 'restore-spec-drift', { runsc: 'fixed' }, checkpointed);
    expect(finding).toMatchObject({ severity: 'error', containers: ['writer-c'] });
    expect(finding?.message).toContain(
      'fails with "checkpoint image does not contain spec for container: "writer-c""',
    );
  });

  it('ignores dev.gvisor.internal.* and debug flag annotations, but not hint changes', () => {
    const checkpointed = writers(sharedHint('ws'));
    const same = writers({ ...sharedHint('ws'), ...RESTORE, 'dev.gvisor.flag.debug': 'true' });
    expect(only(same, 'restore-spec-drift', {}, checkpointed)).toEqual([]);
    const changed = writers({ ...sharedHint('ws', 'tmpfs'), ...RESTORE });
    expect(only(changed, 'restore-spec-drift', {}, checkpointed)[0]?.message).toContain(
      'gVisor annotations differ (dev.gvisor.spec.mount.ws.type: bind -> tmpfs)',
    );
  });
});

describe('start failures', () => {
  it('hint-invalid: a malformed key', () => {
    const [finding] = only(writers({ 'dev.gvisor.spec.mount.ws.extra.type': 'tmpfs' }), 'hint-invalid');
    expect(finding?.severity).toBe('error');
    expect(finding?.message).toContain(
      'The pod never starts: the sandbox fails with "invalid mount annotation: dev.gvisor.spec.mount.ws.extra.type=tmpfs".',
    );
  });

  it('hint-unknown-volume: a hostPath volume, always an error', () => {
    const [finding] = only(
      writers(sharedHint('ws'), [{ name: 'ws', hostPath: { path: '/data' } }]),
      'hint-unknown-volume',
    );
    expect(finding).toMatchObject({ severity: 'error', volume: 'ws', inferred: false });
    expect(finding?.message).toContain(
      'a hostPath volume, which lives outside /var/lib/kubelet/pods/<uid>/volumes',
    );
    expect(finding?.message).toContain('get volume path for "ws": unexpected matched volume list []');
  });

  it('hint-unknown-volume: a hint for a volume the pod lacks', () => {
    expect(only(writers(sharedHint('cache')), 'hint-unknown-volume')[0]?.message).toContain(
      'which the pod does not have',
    );
  });

  it('repeated-submount: two containers with a self overlay of one source under all:self', () => {
    const [finding] = only(writers({}), 'repeated-submount', { overlay2: 'all:self' });
    expect(finding).toMatchObject({
      severity: 'error',
      containers: ['writer-a', 'writer-b'],
      inferred: true,
    });
  });

  it('hint-incompatible-options: a read-write mount of a read-only master', () => {
    const [finding] = only(
      writers({ ...sharedHint('ws'), 'dev.gvisor.spec.mount.ws.options': 'ro' }),
      'hint-incompatible-options',
    );
    expect(finding?.message).toContain(
      'mount shared mount "ws" to "/workspace": cannot mount read-write shared mount because master is read-only, mount: &{Destination:/workspace Type:tmpfs',
    );
  });
});

describe('warnings and information', () => {
  it('restore-init-containers: only for restore pods', () => {
    const p = (annotations: Record<string, string>) =>
      pod([container('app')], {
        annotations,
        initContainers: [container('setup'), container('side', {}, { restartPolicy: 'Always' })],
      });
    expect(only(p(RESTORE), 'restore-init-containers')).toMatchObject([
      { severity: 'warning', containers: ['setup'] },
    ]);
    expect(only(p({}), 'restore-init-containers')).toEqual([]);
  });

  it('hint-ignored: a hint without share is dropped, and the containers stop sharing', () => {
    const [finding] = only(writers({ 'dev.gvisor.spec.mount.ws.type': 'tmpfs' }), 'hint-ignored');
    expect(finding?.message).toBe(
      '[hint-ignored] The mount hint for volume "ws" has no share, so runsc drops it: "ignoring mount annotations for "ws" because of missing required field(s)". ' +
        "The gVisor shim still makes each container's mount an in-memory tmpfs, so the containers do not see each other's files. " +
        'Fix: add dev.gvisor.spec.mount.ws.share: pod, or remove the hint.',
    );
  });

  it('hint-ignored: share shared with type tmpfs, an invalid type, and a bad force-shared', () => {
    expect(only(writers(sharedHint('ws', 'tmpfs', 'shared')), 'hint-ignored').map((f) => f.reason)).toEqual([
      'share=shared tmpfs is not shared',
    ]);
    // On an emptyDir the shim rewrites the sandbox's type to tmpfs, so runsc
    // keeps the hint; only the containers' mounts carry the bad type.
    expect(only(writers(sharedHint('ws', 'nfs')), 'hint-ignored').map((f) => f.reason)).toEqual([
      'invalid hint type makes the mount disappear',
      'invalid hint type makes the mount disappear',
    ]);
    expect(
      only(
        writers({ ...sharedHint('ws'), 'dev.gvisor.empty-dir.ws.force-shared': 'yes' }),
        'hint-ignored',
      ).map((f) => f.reason),
    ).toEqual(['invalid force-shared value']);
  });

  it('hint-subpath: a subPath mount of a hinted volume', () => {
    const p = pod(
      [
        container('a', { '/ws': 'ws' }),
        { name: 'b', volumeMounts: [{ name: 'ws', mountPath: '/ws', subPath: 'b' }] },
      ],
      { annotations: sharedHint('ws'), volumes: [emptyDir('ws')] },
    );
    expect(only(p, 'hint-subpath')).toMatchObject([{ severity: 'warning', containers: ['b'], volume: 'ws' }]);
  });

  it('volume-not-checkpointed: an un-hinted emptyDir, and not a hinted tmpfs', () => {
    expect(only(writers({}), 'volume-not-checkpointed')).toMatchObject([
      { severity: 'info', containers: ['writer-a', 'writer-b'], volume: 'ws' },
    ]);
    expect(only(writers(sharedHint('ws', 'tmpfs')), 'volume-not-checkpointed')).toEqual([]);
  });

  it('hints-without-gvisor: once, for a pod on another runtime', () => {
    const p = {
      ...writers(sharedHint('ws')),
      spec: { ...writers(sharedHint('ws')).spec, runtimeClassName: 'runc' },
    };
    const evaluation = evaluatePod(p, resolveSettings(parseConfig({})));
    expect(evaluation.gvisor).toBe(false);
    expect(evaluation.findings).toMatchObject([{ rule: 'hints-without-gvisor', severity: 'info' }]);
    expect(evaluation.findings[0]?.message).toContain(
      'runs with runtimeClassName "runc", which is not a gVisor RuntimeClass',
    );
  });

  it('follows --runtime-class', () => {
    const p = {
      ...writers(sharedHint('ws')),
      spec: { ...writers(sharedHint('ws')).spec, runtimeClassName: 'runsc-fast' },
    };
    expect(evaluatePod(p, resolveSettings(parseConfig({}), { runtimeClasses: ['runsc-fast'] })).gvisor).toBe(
      true,
    );
  });
});
