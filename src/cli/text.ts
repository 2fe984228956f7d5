// `check -o text`: for people. Per object its verdict, its findings with what
// to change, and for restore failures the saved owners against the restored
// keys with the line runsc would print.

import type { CheckResult, Verdict } from '../admission/results.js';
import type { Finding } from '../policy/finding.js';
import type { Style } from './style.js';

const VERDICTS: Record<Verdict, (style: Style) => string> = {
  'fails-to-start': (s) => s.red('FAILS TO START'),
  'fails-to-restore': (s) => s.red('FAILS TO RESTORE'),
  'restore-would-fail': (s) => s.yellow('RESTORE WOULD FAIL (if checkpointed and restored)'),
  ok: (s) => s.green('OK'),
  'not-gvisor': (s) => s.dim('not a gVisor pod (not analysed)'),
};

function severityLabel(finding: Finding, style: Style): string {
  const label = finding.severity.padEnd(7);
  if (finding.severity === 'error') return style.red(label);
  if (finding.severity === 'warning') return style.yellow(label);
  return style.cyan(label);
}

/** Saved owners beside restored keys, aligned, with what does not match marked. */
export function keyTable(
  saved: readonly string[],
  restored: readonly string[],
  variant: string,
  style: Style,
): string[] {
  const all = [...new Set([...saved, ...restored])].sort();
  const width = Math.max('saved by the checkpoint'.length, ...saved.map((key) => key.length)) + 2;
  const lines = [`    ${'saved by the checkpoint'.padEnd(width)}registered on restore (${variant})`];
  for (const key of all) {
    const left = saved.includes(key) ? key : '';
    const right = restored.includes(key) ? key : '';
    const mark = !left
      ? style.red('  <- not in the checkpoint')
      : !right
        ? style.red('  <- not registered on restore')
        : '';
    lines.push(`    ${left.padEnd(width)}${right}${mark}`);
  }
  return lines;
}

const WIDTH = 110;

/** Word-wraps text to lines of at most `width` characters (longer words stay whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

export function renderResult(result: CheckResult, style: Style): string {
  const where = result.namespace ? `${result.namespace}/` : '';
  const runsc = result.release ? `${result.release} (${result.runsc})` : result.runsc;
  const lines = [
    `${style.bold(`${result.kind} ${where}${result.name}`)}  ${style.dim(result.source)}`,
    `  ${VERDICTS[result.verdict](style)}${result.verdict === 'not-gvisor' ? '' : `  runsc ${runsc}${result.restore ? ', restore pod' : ''}`}`,
  ];
  for (const finding of result.findings) {
    // The message without its trailing "Fix: ...", which gets lines of its own.
    const detail = finding.message.slice(0, finding.message.length - ` Fix: ${finding.fix}`.length);
    const [first = '', ...rest] = wrap(`${detail}${finding.inferred ? ' (inferred)' : ''}`, WIDTH - 10);
    lines.push(`  ${severityLabel(finding, style)} ${first}`, ...rest.map((line) => `          ${line}`));
    lines.push(...wrap(`Fix: ${finding.fix}`, WIDTH - 10).map((line) => `          ${style.bold(line)}`));
  }
  const simulation = result.simulation;
  if (simulation?.stage === 'restore') {
    lines.push(
      '  restore simulation:',
      ...keyTable(simulation.savedOwners, simulation.restoreKeys, result.runsc, style),
    );
    lines.push(
      `    runsc: ${style.red(simulation.error ?? '')}${simulation.inferred ? style.dim(' (inferred)') : ''}`,
    );
  }
  return lines.join('\n');
}

export function renderSummary(results: readonly CheckResult[]): string {
  const count = (verdict: Verdict) => results.filter((result) => result.verdict === verdict).length;
  const warnings = results.reduce(
    (sum, result) => sum + result.findings.filter((finding) => finding.severity === 'warning').length,
    0,
  );
  const objects = `${results.length} ${results.length === 1 ? 'object' : 'objects'}`;
  return (
    `${objects}: ${count('fails-to-start')} fail to start, ${count('fails-to-restore')} fail to restore, ` +
    `${count('restore-would-fail')} would fail if restored, ${count('ok')} ok, ${count('not-gvisor')} not gVisor; ${warnings} warnings`
  );
}
