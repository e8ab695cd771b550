import type { SpeechToTextSegment } from '@echolens/provider';
import type { PlacedSegment } from './segment-placement.js';
import type { PlannedWindow, Span } from './window-plan.js';

/**
 * Seconds of VAD speech a piece must have left without text before that stretch is decoded again.
 * Whisper ends a window early when a pause looks like the end of the audio (its seek loop then
 * skips the rest of the window), so a long turn can lose everything after its first sentences;
 * a stretch this long is a sentence, not a word the aligner timed a little early or late.
 */
export const MIN_UNTRANSCRIBED_SPEECH_SEC = 1;

function intersect(a: Span, b: Span): Span | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : undefined;
}

/** `spans` minus `cut`, both sorted and in the same units. */
function subtract(spans: readonly Span[], cut: readonly Span[]): Span[] {
  const result: Span[] = [];
  for (const span of spans) {
    let start = span.start;
    for (const hole of cut) {
      if (hole.end <= start || hole.start >= span.end) continue;
      if (hole.start > start) result.push({ start, end: hole.start });
      start = Math.max(start, hole.end);
    }
    if (start < span.end) result.push({ start, end: span.end });
  }
  return result;
}

/**
 * The speech of a window the model left without text, as spans of the recording (samples) worth one
 * more try at the head of another window: a whole piece no kept segment belongs to, and inside the
 * other pieces each run of untranscribed VAD speech (runs closer than `joinGap` joined) holding at
 * least MIN_UNTRANSCRIBED_SPEECH_SEC, with `padding` of real audio around it (stopping at kept text).
 *
 * Whisper reads a window from its start and may end early; what it left is decoded again from the
 * head of the next window, as Whisper's own seek loop resumes after the last segment. A stretch that
 * already was the head of this window (no text kept before it) had that chance: it is not returned,
 * and stays without words (core reports it as unintelligible). Every retry therefore starts on speech
 * no window began with, so decoding always moves forward. A window the model returned no text for at
 * all (it heard the whole window and found no words) is taken at its word.
 */
export function untranscribedSpeech(
  window: PlannedWindow,
  returned: readonly SpeechToTextSegment[],
  kept: readonly PlacedSegment[],
  options: { sampleRate: number; padding: number; joinGap: number },
): { piece: number; span: Span }[] {
  if (!returned.some((segment) => segment.text.trim())) return [];
  const rate = options.sampleRate;
  const minimum = MIN_UNTRANSCRIBED_SPEECH_SEC * rate;
  const retry: { piece: number; span: Span }[] = [];
  window.pieces.forEach((piece, index) => {
    const source = { start: piece.sourceStart, end: piece.sourceEnd };
    const covered = kept
      .filter((segment) => segment.piece <= index && segment.lastPiece >= index)
      .map((segment) => ({ start: segment.startSec * rate, end: segment.endSec * rate }))
      .sort((a, b) => a.start - b.start);
    if (covered.length === 0) {
      if (index > 0) retry.push({ piece: index, span: source });
      return;
    }
    const bounds = { start: piece.windowStart, end: piece.windowStart + piece.sourceEnd - piece.sourceStart };
    const speech = window.speech.flatMap((span) => intersect(span, bounds) ?? []);
    const runs: { span: Span; speech: number }[] = [];
    for (const gap of subtract(speech, covered)) {
      const run = runs.at(-1);
      if (run && gap.start - run.span.end <= options.joinGap) {
        run.span.end = gap.end;
        run.speech += gap.end - gap.start;
      } else runs.push({ span: { ...gap }, speech: gap.end - gap.start });
    }
    const toSource = piece.sourceStart - piece.windowStart;
    for (const run of runs) {
      if (run.speech < minimum) continue;
      // Padding stops at text already kept, so the new window cannot transcribe it a second time.
      const textBefore = covered.some((span) => span.end <= run.span.start);
      if (index === 0 && !textBefore) continue;
      const before = Math.max(
        ...covered.map((span) => (span.end <= run.span.start ? span.end : bounds.start)),
      );
      const after = Math.min(
        ...covered.map((span) => (span.start >= run.span.end ? span.start : bounds.end)),
      );
      const start = Math.max(before, run.span.start - options.padding);
      const end = Math.min(after, run.span.end + options.padding);
      retry.push({
        piece: index,
        span: { start: Math.round(start + toSource), end: Math.round(end + toSource) },
      });
    }
  });
  return retry;
}
