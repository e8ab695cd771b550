import type { SpeechToTextSegment, SpeechToTextWord } from '@echolens/provider';
import type { Span, WindowPiece } from './window-plan.js';

/**
 * Shortest duration a word (or a segment without words) gets, seconds: about one short syllable.
 * Whisper's timestamps come in 20 ms steps and its cross-attention alignment often gives a word no
 * duration at all; a zero-length word would count as no talk time and breaks overlap arithmetic.
 */
export const MIN_WORD_SEC = 0.1;

/**
 * Longest pause on the recording, seconds, that a segment may span when its words fall in two
 * pieces. Pieces are cut where the VAD heard at least 0.9 s of silence, and speakers pause that long
 * mid-sentence ("And so, my fellow Americans … ask not …"); splitting there would also cut at
 * tiny's word timings, which often land a word early or late. Longer pauses separate utterances
 * (another speaker may talk in them), so the segment is split there.
 */
export const MAX_PAUSE_IN_SEGMENT_SEC = 1.5;

/** A segment in window seconds that lies inside one piece of the window (or, without words, spans several). */
export interface PlacedSegment extends SpeechToTextSegment {
  /** Index in the window's pieces of the piece the segment belongs to (its first piece when it spans several). */
  piece: number;
  /** Index of its last piece; equals `piece` unless the segment spans a short pause between pieces. */
  lastPiece: number;
  /** The piece of each word, in order, when the segment has words. */
  wordPieces?: number[];
  /**
   * The model timed the text (wholly) in silence that packing inserted (a gap between pieces or the
   * window's tail), so it was moved to the nearest piece: such text belongs to the neighbouring speech.
   */
  movedFromInsertedSilence: boolean;
}

/** A piece's extent in window seconds. */
export function pieceBounds(piece: WindowPiece, sampleRate: number): Span {
  return {
    start: piece.windowStart / sampleRate,
    end: (piece.windowStart + piece.sourceEnd - piece.sourceStart) / sampleRate,
  };
}

/**
 * The piece a span of window time belongs to: the one it overlaps most; a span that overlaps none
 * (it lies in silence we inserted, between pieces or after the last) goes to the nearest piece, the
 * earlier one on a tie. faster-whisper attributes words to VAD chunks the same way (by position, to
 * the nearest chunk); it never drops text for landing between chunks.
 */
export function pieceIndexOf(bounds: readonly Span[], startSec: number, endSec: number): number {
  let best = 0;
  let bestOverlap = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  bounds.forEach((piece, index) => {
    const overlap = Math.min(endSec, piece.end) - Math.max(startSec, piece.start);
    const distance = Math.max(0, piece.start - endSec, startSec - piece.end);
    if (overlap > bestOverlap || (bestOverlap <= 0 && overlap <= 0 && distance < bestDistance)) {
      best = index;
      bestOverlap = Math.max(0, overlap);
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * Gives every span at least `minimum` seconds (less only when `bounds` cannot hold them all), in
 * order and without overlap, inside `bounds`, moving each as little as this two-pass scheme allows:
 * forward, starts wait for the previous end and ends are pushed out; backward, anything pushed past
 * the end of `bounds` is pulled back in.
 */
export function withMinimumDurations<T extends { startSec: number; endSec: number }>(
  spans: readonly T[],
  bounds: Span,
  minimum: number,
): T[] {
  if (spans.length === 0) return [];
  const length = Math.min(minimum, (bounds.end - bounds.start) / spans.length);
  const result = spans.map((span) => ({
    ...span,
    startSec: Math.min(Math.max(span.startSec, bounds.start), bounds.end),
    endSec: Math.min(Math.max(span.endSec, bounds.start), bounds.end),
  }));
  let previousEnd = bounds.start;
  for (const span of result) {
    span.startSec = Math.max(span.startSec, previousEnd);
    span.endSec = Math.max(span.endSec, span.startSec + length);
    previousEnd = span.endSec;
  }
  let nextStart = bounds.end;
  for (let index = result.length - 1; index >= 0; index--) {
    const span = result[index] as T;
    span.endSec = Math.min(span.endSec, nextStart);
    span.startSec = Math.max(bounds.start, Math.min(span.startSec, span.endSec - length));
    nextStart = span.startSec;
  }
  return result;
}

/**
 * Trims a word to the detected speech it overlaps most (window seconds): alignment by dynamic time
 * warping gives every frame to some word, so a word next to a pause usually absorbs it ("ask" timed
 * from the end of the previous phrase), which moves turn starts and ends by up to the pause. A word
 * that overlaps no speech (the VAD missed it) is left as it is.
 */
export function trimToSpeech<T extends { startSec: number; endSec: number }>(
  word: T,
  speech: readonly Span[],
): T {
  let best: Span | undefined;
  let bestOverlap = 0;
  for (const span of speech) {
    const overlap = Math.min(word.endSec, span.end) - Math.max(word.startSec, span.start);
    if (overlap > bestOverlap) {
      best = span;
      bestOverlap = overlap;
    }
  }
  if (!best) return word;
  return { ...word, startSec: Math.max(word.startSec, best.start), endSec: Math.min(word.endSec, best.end) };
}

/** Moves a run of times lying wholly outside `bounds` so it touches the nearest edge, keeping its shape. */
function shiftInside(startSec: number, endSec: number, bounds: Span): number {
  if (startSec >= bounds.end) return bounds.end - endSec;
  if (endSec <= bounds.start) return bounds.start - startSec;
  return 0;
}

function withoutWhitespace(text: string): string {
  return text.replace(/\s+/g, '');
}

/** Places each run of words inside its piece; the segment spans its words, from the first run's piece to the last's. */
function placeRuns(
  segment: SpeechToTextSegment,
  runs: readonly { piece: number; words: SpeechToTextWord[] }[],
  text: string,
  bounds: readonly Span[],
  speech: readonly Span[],
): PlacedSegment {
  const placed: SpeechToTextWord[] = [];
  const wordPieces: number[] = [];
  let movedFromInsertedSilence = true;
  for (const run of runs) {
    const piece = bounds[run.piece] as Span;
    const first = run.words[0] as SpeechToTextWord;
    const last = run.words.at(-1) as SpeechToTextWord;
    const shift = shiftInside(first.startSec, last.endSec, piece);
    const moved = run.words.map((word) =>
      trimToSpeech({ ...word, startSec: word.startSec + shift, endSec: word.endSec + shift }, speech),
    );
    const outside = (word: SpeechToTextWord) => word.endSec <= piece.start || word.startSec >= piece.end;
    if (!run.words.every(outside)) movedFromInsertedSilence = false;
    for (const word of withMinimumDurations(moved, piece, MIN_WORD_SEC)) {
      placed.push(word);
      wordPieces.push(run.piece);
    }
  }
  return {
    ...segment,
    text,
    startSec: (placed[0] as SpeechToTextWord).startSec,
    endSec: (placed.at(-1) as SpeechToTextWord).endSec,
    words: placed,
    wordPieces,
    piece: (runs[0] as { piece: number }).piece,
    lastPiece: (runs.at(-1) as { piece: number }).piece,
    movedFromInsertedSilence,
  };
}

/**
 * Puts one segment the model returned for a packed window (window seconds) into the pieces of that
 * window. With word timings, each word goes to the piece it overlaps most (or the nearest one when
 * the model timed it in inserted silence) and the segment is split where its words change piece
 * across a pause longer than MAX_PAUSE_IN_SEGMENT_SEC, so no segment covers another speaker's time;
 * words are kept inside their piece, trimmed to the detected speech (`speechSamples`, window samples)
 * they overlap most, with a positive duration. Without word timings the segment keeps its span, moved or clamped into the pieces it
 * touches. Returns the parts in order, still in window seconds.
 */
export function placeSegment(
  segment: SpeechToTextSegment,
  pieces: readonly WindowPiece[],
  sampleRate: number,
  speechSamples: readonly Span[] = [],
): PlacedSegment[] {
  const bounds = pieces.map((piece) => pieceBounds(piece, sampleRate));
  const speech = speechSamples.map((span) => ({
    start: span.start / sampleRate,
    end: span.end / sampleRate,
  }));
  const words = segment.words?.filter((word) => word.text.trim()) ?? [];
  if (words.length > 0) {
    // Word order is time order: a word is never attributed to an earlier piece than the one before it.
    const owners: number[] = [];
    for (const word of words) {
      owners.push(Math.max(owners.at(-1) ?? 0, pieceIndexOf(bounds, word.startSec, word.endSec)));
    }
    const runs: { piece: number; words: SpeechToTextWord[] }[] = [];
    words.forEach((word, index) => {
      const piece = owners[index] as number;
      const run = runs.at(-1);
      if (run && run.piece === piece) run.words.push(word);
      else runs.push({ piece, words: [word] });
    });
    // Runs of words separated by a short pause on the recording stay one segment.
    const groups: (typeof runs)[] = [];
    for (const run of runs) {
      const group = groups.at(-1);
      const previous = group?.at(-1);
      const pause = previous
        ? ((pieces[run.piece] as WindowPiece).sourceStart -
            (pieces[previous.piece] as WindowPiece).sourceEnd) /
          sampleRate
        : Number.POSITIVE_INFINITY;
      if (group && pause <= MAX_PAUSE_IN_SEGMENT_SEC) group.push(run);
      else groups.push([run]);
    }
    // The words must spell the text for it to be divided between them (they do for Whisper).
    const divisible =
      withoutWhitespace(words.map((word) => word.text).join('')) === withoutWhitespace(segment.text);
    if (groups.length > 1 && divisible) {
      const separator = /\s/.test(segment.text.trim()) ? ' ' : '';
      return groups.map((group) =>
        placeRuns(
          segment,
          group,
          group
            .flatMap((run) => run.words)
            .map((word) => word.text.trim())
            .join(separator),
          bounds,
          speech,
        ),
      );
    }
    if (groups.length === 1) return [placeRuns(segment, runs, segment.text, bounds, speech)];
    const counts = new Map<number, number>();
    for (const owner of owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    const piece = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
    return [placeRuns(segment, [{ piece, words }], segment.text, bounds, speech)];
  }

  const touched = bounds.flatMap((piece, index) =>
    Math.min(segment.endSec, piece.end) > Math.max(segment.startSec, piece.start) ? [index] : [],
  );
  const piece = touched[0] ?? pieceIndexOf(bounds, segment.startSec, segment.endSec);
  const lastPiece = touched.at(-1) ?? piece;
  const span = { start: (bounds[piece] as Span).start, end: (bounds[lastPiece] as Span).end };
  const shift = shiftInside(segment.startSec, segment.endSec, span);
  const [placed] = withMinimumDurations(
    [{ startSec: segment.startSec + shift, endSec: segment.endSec + shift }],
    span,
    MIN_WORD_SEC,
  );
  const { words: _noWords, ...rest } = segment;
  return [
    {
      ...rest,
      ...(segment.words ? { words: [] } : {}),
      startSec: placed?.startSec ?? span.start,
      endSec: placed?.endSec ?? span.end,
      piece,
      lastPiece,
      movedFromInsertedSilence: touched.length === 0,
    },
  ];
}
