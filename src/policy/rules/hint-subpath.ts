import type { Finding } from '../finding.js';
import { analysed, makeFinding, type Rule } from '../rule.js';

export const hintSubpath: Rule = {
  id: 'hint-subpath',
  severity: 'warning',
  summary:
    'A hinted volume mounted with subPath: hints match only the volume directory itself, so that mount bypasses the hint.',
  check(context) {
    if (!analysed(context)) return [];
    const { analysis } = context;
    const findings: Finding[] = [];
    const mountedWhole = new Set(
      analysis.sandbox.containers.flatMap((container) =>
        container.mounts.filter((mount) => !mount.subPath).map((mount) => mount.volume),
      ),
    );
    for (const container of analysis.sandbox.containers) {
      for (const mount of container.mounts) {
        if (!mount.subPath || !analysis.rewrite.podTypes.has(mount.volume)) continue;
        const sharedElsewhere = mountedWhole.has(mount.volume);
        findings.push(
          makeFinding(this, {
            severity: 'warning',
            reason: 'subPath mount of a hinted volume',
            detail:
              `Container "${container.name}" mounts volume "${mount.volume}" at "${mount.destination}" with a subPath; mount hints never match subPath mounts, so this one is a plain bind mount from the host` +
              (sharedElsewhere
                ? ', and it does not see the files other containers write to the volume inside the sandbox.'
                : '.'),
            fix: `mount the whole volume "${mount.volume}" (no subPath) and use the path inside it, or remove the hint.`,
            containers: [container.name],
            volume: mount.volume,
          }),
        );
      }
    }
    return findings;
  },
};
