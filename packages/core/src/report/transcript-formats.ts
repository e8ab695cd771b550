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

/** What a cue shows: a segment, or a stretch of speech left without words. */
interface Cue {
  startSec: number;
  endSec: number;
  text: string;
  label: string | undefined;
}

/** Written where speech was heard but not put into words (the transcript's `unintelligible` spans). */
export const UNINTELLIGIBLE_MARK = '[unintelligible]';

/**
 * The transcript's segments and its unintelligible spans in time order. A cue's label is its
 * speaker, else its channel on multi-channel audio, else nothing.
 */
function cuesOf(transcript: Transcript): Cue[] {
  const channelLabel = (channel: number | undefined) =>
    channel !== undefined ? `channel ${channel}` : undefined;
  return [
    ...transcript.segments.map((segment) => ({
      startSec: segment.startSec,
      endSec: segment.endSec,
      text: segment.text.trim(),
      label: segment.speaker ?? channelLabel(segment.channel),
    })),
    ...(transcript.unintelligible ?? []).map((span) => ({
      startSec: span.startSec,
      endSec: span.endSec,
      text: UNINTELLIGIBLE_MARK,
      label: channelLabel(span.channel),
    })),
  ].sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
}

/**
 * The documented JSON shape: `{ language, durationSec, segments: [{ startSec, endSec, text, speaker?, channel? }],
 * unintelligible?, speechCoverage? }` plus per-segment `id`, `confidence` and `words` when present.
 */
function toJson(transcript: Transcript): string {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}

/** One line per segment, prefixed by the speaker when known: readable in any editor. */
function toText(transcript: Transcript): string {
  const cues = cuesOf(transcript);
  return cues
    .map((cue) => (cue.label ? `${cue.label}: ${cue.text}` : cue.text))
    .join('\n')
    .concat(cues.length ? '\n' : '');
}

function toSrt(transcript: Transcript): string {
  return cuesOf(transcript)
    .map((cue, index) => {
      const text = cue.label ? `[${cue.label}] ${cue.text}` : cue.text;
      return `${index + 1}\n${clock(cue.startSec, ',')} --> ${clock(cue.endSec, ',')}\n${text}\n`;
    })
    .join('\n');
}

function toVtt(transcript: Transcript): string {
  const cues = cuesOf(transcript).map((cue) => {
    // WebVTT voice spans (<v Name>) let players style and filter by speaker.
    const text = cue.label ? `<v ${cue.label}>${cue.text}` : cue.text;
    return `${clock(cue.startSec, '.')} --> ${clock(cue.endSec, '.')}\n${text}\n`;
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
