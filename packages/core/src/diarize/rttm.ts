import type { SpeakerSegment } from '@echolens/provider';
import { InvalidInputError } from '@echolens/provider';

/** RTTM recording ids cannot contain whitespace: it separates the fields. */
function recordingIdFor(name: string): string {
  return name.replace(/\s+/g, '_') || 'recording';
}

/**
 * NIST RTTM, one `SPEAKER` line per segment:
 * `SPEAKER <recording> 1 <start> <duration> <NA> <NA> <speaker> <NA> <NA>` (times in seconds, 3 decimals).
 */
export function formatRttm(recordingId: string, segments: readonly SpeakerSegment[]): string {
  const id = recordingIdFor(recordingId);
  return segments
    .filter((segment) => segment.endSec > segment.startSec)
    .map(
      (segment) =>
        `SPEAKER ${id} 1 ${segment.startSec.toFixed(3)} ${(segment.endSec - segment.startSec).toFixed(3)} <NA> <NA> ${segment.speaker.replace(/\s+/g, '_')} <NA> <NA>\n`,
    )
    .join('');
}

export interface RttmSegment extends SpeakerSegment {
  recordingId: string;
}

/** Parses the `SPEAKER` lines of an RTTM file; other line types are ignored. `source` names the file in errors. */
export function parseRttm(text: string, source = 'RTTM'): RttmSegment[] {
  const segments: RttmSegment[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'SPEAKER') return;
    const start = Number(fields[3]);
    const duration = Number(fields[4]);
    const speaker = fields[7];
    if (!Number.isFinite(start) || !Number.isFinite(duration) || duration < 0 || !speaker || !fields[1])
      throw new InvalidInputError(`line ${index + 1} is not a valid RTTM SPEAKER line: "${line.trim()}"`, {
        file: source,
      });
    segments.push({ recordingId: fields[1], startSec: start, endSec: start + duration, speaker });
  });
  return segments;
}
