import type { WindowPiece } from './window-plan.js';

/**
 * Window seconds inside a piece → seconds on the recording's timeline. Inside a piece the map is a
 * pure shift, so it is exact to the sample; placing times inside their piece first is
 * segment-placement's job.
 */
export function pieceTimeToSource(piece: WindowPiece, windowSec: number, sampleRate: number): number {
  return (piece.sourceStart - piece.windowStart) / sampleRate + windowSec;
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
