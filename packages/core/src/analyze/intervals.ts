import type { TimeSpan } from '../schema/common.js';

/** Sorts and merges overlapping or touching spans; the basis of every "time in which …" metric. */
export function mergeSpans(spans: readonly TimeSpan[]): TimeSpan[] {
  const sorted = spans.filter((span) => span.endSec > span.startSec).sort((a, b) => a.startSec - b.startSec);
  const merged: TimeSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.startSec <= last.endSec) last.endSec = Math.max(last.endSec, span.endSec);
    else merged.push({ startSec: span.startSec, endSec: span.endSec });
  }
  return merged;
}

export function totalSeconds(spans: readonly TimeSpan[]): number {
  return spans.reduce((sum, span) => sum + (span.endSec - span.startSec), 0);
}
