import type { TimeSpan } from '@echolens/provider';
import { mergeSpans } from '../util/intervals.js';
import { minimumCostAssignment } from './hungarian.js';

/** A labelled span, as in a reference or hypothesis RTTM. */
export interface LabelledSpan extends TimeSpan {
  speaker: string;
}

export interface DiarizationErrorOptions {
  /** Seconds around every reference boundary excluded from scoring (NIST default 0.25 s each side). */
  collarSec?: number;
  /** Region to score; default from 0 to the end of the last reference or hypothesis segment. */
  scoredRegion?: TimeSpan;
  /** Leave out regions where several reference speakers overlap (default false: overlap is scored). */
  skipOverlap?: boolean;
}

export interface DiarizationErrorBreakdown {
  /** missed + falseAlarm + confusion over scored reference speech, 0-… (can exceed 1). */
  diarizationErrorRate: number;
  /** Seconds of reference speech (counted once per speaker: two speakers for 1 s = 2 s). */
  scoredSpeechSec: number;
  missedSec: number;
  falseAlarmSec: number;
  confusionSec: number;
  /** Reference speaker → hypothesis speaker chosen by optimal (Hungarian) assignment. */
  mapping: Record<string, string>;
}

/** Elementary intervals on which the set of active reference and hypothesis speakers is constant. */
function elementaryIntervals(
  reference: readonly LabelledSpan[],
  hypothesis: readonly LabelledSpan[],
  scored: readonly TimeSpan[],
) {
  const cuts = new Set<number>();
  for (const span of [...reference, ...hypothesis, ...scored]) {
    cuts.add(span.startSec);
    cuts.add(span.endSec);
  }
  const times = [...cuts].sort((a, b) => a - b);
  const intervals: { startSec: number; endSec: number; reference: Set<string>; hypothesis: Set<string> }[] =
    [];
  let scoredIndex = 0;
  for (let i = 0; i + 1 < times.length; i++) {
    const startSec = times[i]!;
    const endSec = times[i + 1]!;
    const middle = (startSec + endSec) / 2;
    while (scoredIndex < scored.length && scored[scoredIndex]!.endSec <= middle) scoredIndex++;
    const inScored = scoredIndex < scored.length && scored[scoredIndex]!.startSec <= middle;
    if (!inScored) continue;
    const active = (spans: readonly LabelledSpan[]) =>
      new Set(
        spans.filter((span) => span.startSec <= middle && middle < span.endSec).map((span) => span.speaker),
      );
    intervals.push({ startSec, endSec, reference: active(reference), hypothesis: active(hypothesis) });
  }
  return intervals;
}

/** Removes `remove` from `from` (both merged, sorted). */
function subtractSpans(from: readonly TimeSpan[], remove: readonly TimeSpan[]): TimeSpan[] {
  const result: TimeSpan[] = [];
  for (const span of from) {
    let cursor = span.startSec;
    for (const hole of remove) {
      if (hole.endSec <= cursor || hole.startSec >= span.endSec) continue;
      if (hole.startSec > cursor) result.push({ startSec: cursor, endSec: hole.startSec });
      cursor = Math.max(cursor, hole.endSec);
    }
    if (cursor < span.endSec) result.push({ startSec: cursor, endSec: span.endSec });
  }
  return result;
}

/**
 * The standard diarization error rate (as NIST md-eval and pyannote.metrics compute it): the reference
 * speakers are mapped one-to-one onto hypothesis speakers so that their co-occurring time is maximal
 * (Hungarian assignment); then, over the scored region minus the collars, every moment contributes
 * missed speech (fewer hypothesis than reference speakers), false alarm (more), and confusion (mapped
 * speakers that disagree), divided by the total reference speech.
 */
export function diarizationErrorRate(
  reference: readonly LabelledSpan[],
  hypothesis: readonly LabelledSpan[],
  options: DiarizationErrorOptions = {},
): DiarizationErrorBreakdown {
  const collar = options.collarSec ?? 0.25;
  const end = Math.max(0, ...reference.map((span) => span.endSec), ...hypothesis.map((span) => span.endSec));
  let scored: TimeSpan[] = [options.scoredRegion ?? { startSec: 0, endSec: end }];
  if (collar > 0) {
    const collars = mergeSpans(
      reference.flatMap((span) => [
        { startSec: Math.max(0, span.startSec - collar), endSec: span.startSec + collar },
        { startSec: Math.max(0, span.endSec - collar), endSec: span.endSec + collar },
      ]),
    );
    scored = subtractSpans(scored, collars);
  }
  let intervals = elementaryIntervals(reference, hypothesis, scored);
  if (options.skipOverlap) intervals = intervals.filter((interval) => interval.reference.size <= 1);

  const referenceSpeakers = [...new Set(reference.map((span) => span.speaker))];
  const hypothesisSpeakers = [...new Set(hypothesis.map((span) => span.speaker))];
  const together = referenceSpeakers.map(() => new Array<number>(hypothesisSpeakers.length).fill(0));
  for (const interval of intervals) {
    const duration = interval.endSec - interval.startSec;
    referenceSpeakers.forEach((referenceSpeaker, row) => {
      if (!interval.reference.has(referenceSpeaker)) return;
      hypothesisSpeakers.forEach((hypothesisSpeaker, column) => {
        if (interval.hypothesis.has(hypothesisSpeaker)) together[row]![column]! += duration;
      });
    });
  }
  const assignment = minimumCostAssignment(together.map((row) => row.map((seconds) => -seconds)));
  const mapping: Record<string, string> = {};
  assignment.forEach((column, row) => {
    // A pair that never co-occurs is no mapping at all (it would only rename a confusion).
    if (column >= 0 && together[row]![column]! > 0)
      mapping[referenceSpeakers[row]!] = hypothesisSpeakers[column]!;
  });

  let scoredSpeechSec = 0;
  let missedSec = 0;
  let falseAlarmSec = 0;
  let confusionSec = 0;
  for (const interval of intervals) {
    const duration = interval.endSec - interval.startSec;
    const referenceCount = interval.reference.size;
    const hypothesisCount = interval.hypothesis.size;
    let correct = 0;
    for (const speaker of interval.reference) {
      const mapped = mapping[speaker];
      if (mapped !== undefined && interval.hypothesis.has(mapped)) correct++;
    }
    scoredSpeechSec += duration * referenceCount;
    missedSec += duration * Math.max(0, referenceCount - hypothesisCount);
    falseAlarmSec += duration * Math.max(0, hypothesisCount - referenceCount);
    confusionSec += duration * (Math.min(referenceCount, hypothesisCount) - correct);
  }
  const errors = missedSec + falseAlarmSec + confusionSec;
  return {
    diarizationErrorRate: scoredSpeechSec > 0 ? errors / scoredSpeechSec : errors > 0 ? 1 : 0,
    scoredSpeechSec,
    missedSec,
    falseAlarmSec,
    confusionSec,
    mapping,
  };
}
