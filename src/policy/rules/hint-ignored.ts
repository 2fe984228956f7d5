import { MOUNT_HINT_PREFIX } from '../../gvisor/hints.js';
import { FORCE_SHARED_PREFIX, parseGoBool } from '../../gvisor/shim.js';
import { mountsOfVolume } from '../describe.js';
import type { Finding } from '../finding.js';
import { type AnalysedContext, analysed, makeFinding, type Rule } from '../rule.js';

/** What the containers get when a hint on an emptyDir does nothing runsc-side. */
function consequence(context: AnalysedContext, volume: string): string {
  const mounts = mountsOfVolume(context.analysis, volume).filter(({ mount }) => !mount.subPath);
  if (mounts.length === 0) return '';
  if (mounts.every(({ mount }) => mount.kind === 'tmpfs')) {
    return mounts.length > 1
      ? " The gVisor shim still makes each container's mount an in-memory tmpfs, so the containers do not see each other's files."
      : ' The gVisor shim still makes the mount an in-memory tmpfs of this container alone.';
  }
  return mounts.some(({ mount }) => mount.kind === 'bind')
    ? ' The volume stays a plain bind mount served from the host.'
    : '';
}

export const hintIgnored: Rule = {
  id: 'hint-ignored',
  severity: 'warning',
  summary:
    'A gVisor hint, or a field of one, that runsc or the shim ignores, so it silently does nothing (or not what was meant).',
  check(context) {
    if (!analysed(context)) return [];
    const { analysis } = context;
    const findings: Finding[] = [];
    const add = (volume: string, reason: string, detail: string, fix: string) =>
      findings.push(
        makeFinding(this, {
          severity: 'warning',
          reason,
          detail,
          fix,
          volume,
          containers: [...new Set(mountsOfVolume(analysis, volume).map(({ container }) => container.name))],
        }),
      );

    // A hint whose volume the shim cannot find has no source either; hint-unknown-volume says why.
    const notFound = new Set(analysis.rewrite.errors.map((error) => error.volume));
    for (const dropped of analysis.hints.dropped.filter((hint) => !notFound.has(hint.volume))) {
      const volume = dropped.volume;
      const has = (field: string) =>
        analysis.rewrite.annotations[`${MOUNT_HINT_PREFIX}${volume}.${field}`] !== undefined;
      const missing = ['type', 'share'].filter((field) => !has(field));
      add(
        volume,
        'mount hint dropped for a missing field',
        `The mount hint for volume "${volume}" has no ${missing.length > 0 ? missing.join(' and ') : 'valid source, type or share'}, so runsc drops it: "${dropped.text}".${consequence(context, volume)}`,
        missing.length > 0
          ? `add ${missing.map((field) => `${MOUNT_HINT_PREFIX}${volume}.${field}${field === 'share' ? ': pod' : ': tmpfs'}`).join(' and ')}, or remove the hint.`
          : `give ${MOUNT_HINT_PREFIX}${volume}.type (tmpfs or bind) and .share (container, pod or shared) valid values.`,
      );
    }
    for (const ignored of analysis.hints.ignored) {
      add(
        ignored.volume,
        'mount hint field ignored',
        `Annotation "${ignored.key}" is ignored by runsc: "${ignored.text}".`,
        'use a valid field (source, type, share, options, directfs) with a valid value, or remove the annotation.',
      );
    }
    for (const [volume] of analysis.rewrite.podTypes) {
      const hint = analysis.hints.hints.get(volume);
      const mounts = mountsOfVolume(analysis, volume);
      if (
        hint?.share === 'shared' &&
        hint.type === 'tmpfs' &&
        mounts.filter(({ mount }) => mount.kind === 'tmpfs').length > 1
      ) {
        add(
          volume,
          'share=shared tmpfs is not shared',
          `Volume "${volume}" is hinted type tmpfs with share shared: runsc shares a tmpfs only for share pod or container, so each container gets its own in-memory tmpfs and the containers do not see each other's files.`,
          `set ${MOUNT_HINT_PREFIX}${volume}.share: pod.`,
        );
      }
      for (const { container, mount } of mounts.filter(({ mount }) => mount.kind === 'unknown-type')) {
        add(
          volume,
          'invalid hint type makes the mount disappear',
          `Volume "${volume}" has the invalid hint type "${mount.ociType}", which the gVisor shim copies onto the mount of "${container.name}" at "${mount.destination}", which runsc then skips ("ignoring unknown filesystem type ${JSON.stringify(mount.ociType)}"), so the volume is missing in the container.`,
          `set ${MOUNT_HINT_PREFIX}${volume}.type to tmpfs or bind.`,
        );
      }
    }
    for (const [key, value] of Object.entries(context.pod.annotations)) {
      if (!key.startsWith(FORCE_SHARED_PREFIX) || !key.endsWith('.force-shared')) continue;
      if (parseGoBool(value) !== undefined) continue;
      const volume = key.slice(FORCE_SHARED_PREFIX.length, -'.force-shared'.length);
      add(
        volume,
        'invalid force-shared value',
        `Annotation "${key}" has value "${value}", which is not a boolean; the gVisor shim ignores it ("Ignoring invalid value ${JSON.stringify(value)} for annotation ${JSON.stringify(key)}") and treats the volume as not force-shared.`,
        `set ${key} to "true" or "false".`,
      );
    }
    return findings;
  },
};
