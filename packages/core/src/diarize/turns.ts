import type { Role, Segment } from '@echolens/provider';
import type { Speaker, Turn } from '../schema/conversation.js';

/** A segment that already knows who spoke it. */
export interface AttributedSegment extends Segment {
  speaker: string;
}

/**
 * Orders attributed segments in time and merges consecutive ones of the same speaker into turns,
 * unless the pause between them is longer than `maxGapSec` (a long pause starts a new turn).
 */
export function buildTurns(
  segments: readonly AttributedSegment[],
  speakers: readonly Speaker[],
  options: { maxGapSec?: number } = {},
): Turn[] {
  const maxGapSec = options.maxGapSec ?? 1.5;
  const roleOf = new Map<string, Role>(speakers.map((speaker) => [speaker.id, speaker.role]));
  const ordered = [...segments]
    .filter((segment) => segment.text.trim().length > 0)
    .sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);

  const turns: Turn[] = [];
  for (const segment of ordered) {
    const last = turns.at(-1);
    if (last && last.speaker === segment.speaker && segment.startSec - (last.endSec ?? 0) <= maxGapSec) {
      last.endSec = Math.max(last.endSec ?? 0, segment.endSec);
      last.text = `${last.text} ${segment.text.trim()}`;
      if (segment.words) last.words = [...(last.words ?? []), ...segment.words];
      continue;
    }
    turns.push({
      id: `t${turns.length + 1}`,
      speaker: segment.speaker,
      role: roleOf.get(segment.speaker) ?? 'unknown',
      startSec: segment.startSec,
      endSec: segment.endSec,
      text: segment.text.trim(),
      ...(segment.channel !== undefined ? { channel: segment.channel } : {}),
      ...(segment.words ? { words: [...segment.words] } : {}),
    });
  }
  return turns;
}
