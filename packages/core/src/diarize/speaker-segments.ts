import type { SpeakerSegment } from '@echolens/provider';

/**
 * Joins consecutive segments of the same speaker separated by less than `maxGapSec`, unless another
 * speaker talks in between: a breath or short pause inside someone's turn is part of the turn.
 * Returns segments in time order.
 */
export function bridgeShortPauses(segments: readonly SpeakerSegment[], maxGapSec: number): SpeakerSegment[] {
  const ordered = [...segments].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
  const lastOfSpeaker = new Map<string, SpeakerSegment>();
  const result: SpeakerSegment[] = [];
  for (const segment of ordered) {
    const previous = lastOfSpeaker.get(segment.speaker);
    const gapStart = previous?.endSec ?? Number.NEGATIVE_INFINITY;
    let interrupted = false;
    // `result` is in start order, so only its tail can have started inside the pause.
    for (let index = result.length - 1; index >= 0 && result[index]!.startSec >= gapStart; index--) {
      if (result[index]!.speaker !== segment.speaker) interrupted = true;
    }
    if (previous && segment.startSec - previous.endSec <= maxGapSec && !interrupted) {
      previous.endSec = Math.max(previous.endSec, segment.endSec);
      continue;
    }
    const copy = { ...segment };
    result.push(copy);
    lastOfSpeaker.set(segment.speaker, copy);
  }
  return result.sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
}

/** Seconds of speech per speaker id. */
export function speechSecondsBySpeaker(segments: readonly SpeakerSegment[]): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const segment of segments)
    seconds.set(segment.speaker, (seconds.get(segment.speaker) ?? 0) + segment.endSec - segment.startSec);
  return seconds;
}
