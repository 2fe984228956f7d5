import { quoteList } from '../finding.js';
import { analysed, makeFinding, type Rule, restoreSeverity } from '../rule.js';

export const restoreSpecDrift: Rule = {
  id: 'restore-spec-drift',
  severity: 'restore',
  summary:
    'The restore pod differs from the checkpointed pod in what runsc validates (containers, mounts, read-only rootfs, gVisor annotations), so runsc refuses the restore.',
  check(context) {
    if (!analysed(context)) return [];
    const { specMismatches } = context.analysis.simulation;
    if (specMismatches.length === 0) return [];
    const containers = [...new Set(specMismatches.map((mismatch) => mismatch.container))];
    const first = specMismatches[0];
    return [
      makeFinding(this, {
        severity: restoreSeverity(context),
        reason: 'restore pod differs from the checkpointed pod',
        detail:
          `The restore pod differs from the checkpointed pod: ${specMismatches.map((mismatch) => mismatch.detail).join('; ')}. ` +
          `runsc validates each restoring container against the checkpoint and fails with "${first?.text}".`,
        fix: `make the restore pod's containers (names and order), volume mounts, readOnlyRootFilesystem and dev.gvisor.* annotations (except dev.gvisor.internal.*) identical to the checkpointed pod's; containers involved: ${quoteList(containers)}.`,
        containers,
      }),
    ];
  },
};
