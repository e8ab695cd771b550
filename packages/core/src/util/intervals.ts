import type { TimeSpan } from '@echolens/provider';

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

/** Intersection of two merged, sorted span lists. */
export function intersectSpans(a: readonly TimeSpan[], b: readonly TimeSpan[]): TimeSpan[] {
  const result: TimeSpan[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const startSec = Math.max(a[i]!.startSec, b[j]!.startSec);
    const endSec = Math.min(a[i]!.endSec, b[j]!.endSec);
    if (endSec > startSec) result.push({ startSec, endSec });
    if (a[i]!.endSec < b[j]!.endSec) i++;
    else j++;
  }
  return result;
}

/** Time in which at least two of the given (per-speaker) span lists are active. */
export function multiSpeakerSpans(spansBySpeaker: readonly (readonly TimeSpan[])[]): TimeSpan[] {
  const events: { time: number; delta: number }[] = [];
  for (const spans of spansBySpeaker)
    for (const span of mergeSpans(spans))
      events.push({ time: span.startSec, delta: 1 }, { time: span.endSec, delta: -1 });
  events.sort((a, b) => a.time - b.time || a.delta - b.delta);
  const result: TimeSpan[] = [];
  let active = 0;
  let start = 0;
  for (const event of events) {
    const before = active;
    active += event.delta;
    if (before < 2 && active >= 2) start = event.time;
    if (before >= 2 && active < 2 && event.time > start) result.push({ startSec: start, endSec: event.time });
  }
  return mergeSpans(result);
}

/** Gaps between consecutive merged spans (not before the first or after the last) at least `minSec` long. */
export function gapsBetween(merged: readonly TimeSpan[], minSec: number): TimeSpan[] {
  const gaps: TimeSpan[] = [];
  for (let i = 1; i < merged.length; i++) {
    const startSec = merged[i - 1]!.endSec;
    const endSec = merged[i]!.startSec;
    if (endSec - startSec >= minSec && endSec > startSec) gaps.push({ startSec, endSec });
  }
  return gaps;
}
