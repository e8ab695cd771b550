import type { Transcript } from '@echolens/provider';

export const TRANSCRIPT_FORMATS = ['json', 'txt', 'srt', 'vtt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT). */
function clock(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secs = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}${separator}${pad(ms, 3)}`;
}

/** A segment's label: its speaker, else its channel on multi-channel audio, else nothing. */
function speakerLabel(segment: Transcript['segments'][number]): string | undefined {
  if (segment.speaker) return segment.speaker;
  if (segment.channel !== undefined) return `channel ${segment.channel}`;
  return undefined;
}

/**
 * The documented JSON shape: `{ language, durationSec, segments: [{ startSec, endSec, text, speaker?, channel? }] }`
 * plus per-segment `id`, `confidence` and `words` when present.
 */
function toJson(transcript: Transcript): string {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}

/** One line per segment, prefixed by the speaker when known: readable in any editor. */
function toText(transcript: Transcript): string {
  return transcript.segments
    .map((segment) => {
      const label = speakerLabel(segment);
      return label ? `${label}: ${segment.text.trim()}` : segment.text.trim();
    })
    .join('\n')
    .concat(transcript.segments.length ? '\n' : '');
}

function toSrt(transcript: Transcript): string {
  return transcript.segments
    .map((segment, index) => {
      const label = speakerLabel(segment);
      const text = label ? `[${label}] ${segment.text.trim()}` : segment.text.trim();
      return `${index + 1}\n${clock(segment.startSec, ',')} --> ${clock(segment.endSec, ',')}\n${text}\n`;
    })
    .join('\n');
}

function toVtt(transcript: Transcript): string {
  const cues = transcript.segments.map((segment) => {
    const label = speakerLabel(segment);
    // WebVTT voice spans (<v Name>) let players style and filter by speaker.
    const text = label ? `<v ${label}>${segment.text.trim()}` : segment.text.trim();
    return `${clock(segment.startSec, '.')} --> ${clock(segment.endSec, '.')}\n${text}\n`;
  });
  return ['WEBVTT\n', ...cues].join('\n');
}

/** Renders a transcript in one of the CLI's output formats. */
export function formatTranscript(transcript: Transcript, format: TranscriptFormat): string {
  switch (format) {
    case 'json':
      return toJson(transcript);
    case 'txt':
      return toText(transcript);
    case 'srt':
      return toSrt(transcript);
    case 'vtt':
      return toVtt(transcript);
  }
}
