import type { WindowPiece } from './window-plan.js';

/**
 * Which way a time that lands in an inserted gap moves: a start moves forward to the next piece of
 * real audio, an end back to the previous one, so a segment never claims the silence we inserted.
 */
export type TimeEdge = 'start' | 'end';

/**
 * Maps a time in a packed window (seconds from its first sample) onto the recording's timeline.
 * Inside a piece the map is a pure shift, so it is exact; times in a gap or outside every piece
 * snap to the nearest piece edge in the direction `edge` says. Pieces are in window order.
 */
export function windowTimeToSource(
  pieces: readonly WindowPiece[],
  windowSec: number,
  edge: TimeEdge,
  sampleRate: number,
): number {
  const position = windowSec * sampleRate;
  const first = pieces[0];
  if (!first) throw new RangeError('A window has at least one piece');
  let previous: WindowPiece | undefined;
  for (const piece of pieces) {
    const pieceEnd = piece.windowStart + (piece.sourceEnd - piece.sourceStart);
    if (position < piece.windowStart) {
      // In the gap before this piece (or before the first one).
      if (edge === 'start' || !previous) return piece.sourceStart / sampleRate;
      return previous.sourceEnd / sampleRate;
    }
    if (position <= pieceEnd) return (piece.sourceStart + (position - piece.windowStart)) / sampleRate;
    previous = piece;
  }
  return (previous ?? first).sourceEnd / sampleRate;
}

/** Seconds of overlap between [start, end) in window seconds and the window's speech spans (in samples). */
export function speechOverlapSec(
  speech: readonly { start: number; end: number }[],
  startSec: number,
  endSec: number,
  sampleRate: number,
): number {
  const start = startSec * sampleRate;
  const end = endSec * sampleRate;
  let overlap = 0;
  for (const span of speech) overlap += Math.max(0, Math.min(end, span.end) - Math.max(start, span.start));
  return overlap / sampleRate;
}
