// Warnings the apiserver will actually show: no control characters (a
// warning with one is silently dropped), aimed at 120 characters, never over
// 256, at most 4096 in all, with a last "and N more" when cut.

import type { Finding } from '../policy/finding.js';
import { quoteList } from '../policy/finding.js';

export const WARNING_TARGET = 120;
export const WARNING_MAX = 256;
export const WARNINGS_TOTAL_MAX = 4096;

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/** One line, printable, at most `max` characters (code points). */
export function sanitize(text: string, max = WARNING_MAX): string {
  const clean = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean; // UTF-16 units never undercount code points
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 3).join('')}...`;
}

/** The short form of a finding: rule, reason, volume, containers; aimed at 120 characters. */
export function warningFor(finding: Finding, objectLabel?: string): string {
  const parts = [`[${finding.rule}]`, objectLabel ? `${objectLabel}:` : '', finding.reason];
  let text = parts.filter(Boolean).join(' ');
  if (finding.volume) text += `; volume "${finding.volume}"`;
  if (finding.containers.length > 0) {
    const containers = `; containers ${quoteList(finding.containers)}`;
    text +=
      text.length + containers.length <= WARNING_TARGET
        ? containers
        : `; ${finding.containers.length} containers`;
  }
  const more = ` (see ${finding.docs})`;
  if (text.length + more.length <= WARNING_TARGET + 40) text += more;
  return sanitize(text);
}

function andMore(count: number): string {
  return `and ${count} more restore-guard findings (run restore-guard check for all)`;
}

/** Warnings within the apiserver's limits, de-duplicated, with "and N more" when cut. */
export function limitWarnings(texts: readonly string[]): string[] {
  const unique = [...new Set(texts.map((text) => sanitize(text)))].filter(Boolean);
  const out: string[] = [];
  let total = 0;
  for (const [index, text] of unique.entries()) {
    const remaining = unique.length - index - 1;
    const reserve = remaining > 0 ? andMore(remaining).length : 0; // room for the "and N more" line
    if (total + [...text].length + reserve > WARNINGS_TOTAL_MAX) {
      out.push(andMore(unique.length - index));
      return out;
    }
    out.push(text);
    total += [...text].length;
  }
  return out;
}
