import type { TimeSpan, Transcript, UnintelligibleSpan } from '@echolens/provider';
import type { SpeechRegion } from '../schema/prepared-audio.js';

/**
 * Seconds a word's timing may be off either way and still cover the speech beside it: cross-attention
 * word times are good to about a syllable, and VAD regions carry a little padding of their own.
 */
export const WORD_TIMING_TOLERANCE_SEC = 0.2;
/**
 * Two transcribed words closer than this cover the pause between them: a pause that short is part of
 * one utterance, while a stretch at least this long left without words is a sentence the model missed.
 */
export const WORD_BRIDGE_SEC = 1;
/**
 * Speech left without words is reported as unintelligible once the stretch holds at least this much
 * voice (about one or two words); shorter remnants are timing slack, counted only in the coverage.
 */
export const MIN_UNINTELLIGIBLE_SPEECH_SEC = 0.5;

/** The stretches of one channel that its words account for: word spans widened and bridged across short pauses. */
function transcribedStretches(transcript: Transcript, channel: number): TimeSpan[] {
  const spans = transcript.segments
    .filter((segment) => (segment.channel ?? 0) === channel)
    .flatMap((segment) =>
      segment.words?.length ? segment.words : [{ startSec: segment.startSec, endSec: segment.endSec }],
    )
    .map((word) => ({ startSec: word.startSec, endSec: Math.max(word.startSec, word.endSec) }))
    .sort((a, b) => a.startSec - b.startSec);
  const stretches: TimeSpan[] = [];
  for (const span of spans) {
    const previous = stretches.at(-1);
    if (previous && span.startSec - previous.endSec < WORD_BRIDGE_SEC) {
      previous.endSec = Math.max(previous.endSec, span.endSec);
    } else stretches.push({ ...span });
  }
  return stretches.map((stretch) => ({
    startSec: Math.max(0, stretch.startSec - WORD_TIMING_TOLERANCE_SEC),
    endSec: stretch.endSec + WORD_TIMING_TOLERANCE_SEC,
  }));
}

/** `regions` minus `cut` (both sorted by start), as spans. */
function subtract(regions: readonly TimeSpan[], cut: readonly TimeSpan[]): TimeSpan[] {
  const result: TimeSpan[] = [];
  for (const region of regions) {
    let start = region.startSec;
    for (const hole of cut) {
      if (hole.endSec <= start || hole.startSec >= region.endSec) continue;
      if (hole.startSec > start) result.push({ startSec: start, endSec: hole.startSec });
      start = Math.max(start, hole.endSec);
    }
    if (start < region.endSec) result.push({ startSec: start, endSec: region.endSec });
  }
  return result;
}

const length = (spans: readonly TimeSpan[]) =>
  spans.reduce((sum, span) => sum + span.endSec - span.startSec, 0);
const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

export interface SpeechCoverage {
  /** Seconds of detected speech (VAD) over all transcribed channels. */
  voicedSec: number;
  /** Of those, seconds the transcript's words account for. */
  coveredSec: number;
  /** coveredSec / voicedSec; 1 when nothing was voiced. */
  coverage: number;
  /** Stretches of detected speech left without words, each holding at least MIN_UNINTELLIGIBLE_SPEECH_SEC of voice. */
  unintelligible: UnintelligibleSpan[];
}

/**
 * How much of the detected speech a transcript put into words, per channel: voiced seconds inside
 * the stretches its words span (widened by WORD_TIMING_TOLERANCE_SEC, bridged over pauses shorter
 * than WORD_BRIDGE_SEC) over all voiced seconds; and the stretches of speech left without words.
 * Stretches of one channel closer than WORD_BRIDGE_SEC are reported as one span.
 * `channels` lists the channels that were transcribed (a copied channel is not).
 */
export function measureSpeechCoverage(
  speech: readonly (readonly SpeechRegion[])[],
  transcript: Transcript,
  channels: readonly number[] = speech.map((_, channel) => channel),
): SpeechCoverage {
  let voicedSec = 0;
  let coveredSec = 0;
  const unintelligible: UnintelligibleSpan[] = [];
  const multiChannel = speech.length > 1;
  for (const channel of channels) {
    const voiced = [...(speech[channel] ?? [])].sort((a, b) => a.startSec - b.startSec);
    const uncovered = subtract(voiced, transcribedStretches(transcript, channel));
    const channelVoiced = length(voiced);
    voicedSec += channelVoiced;
    coveredSec += channelVoiced - length(uncovered);
    const runs: { span: TimeSpan; voicedSec: number }[] = [];
    for (const gap of uncovered) {
      const run = runs.at(-1);
      if (run && gap.startSec - run.span.endSec < WORD_BRIDGE_SEC) {
        run.span.endSec = gap.endSec;
        run.voicedSec += gap.endSec - gap.startSec;
      } else runs.push({ span: { ...gap }, voicedSec: gap.endSec - gap.startSec });
    }
    for (const run of runs) {
      if (run.voicedSec < MIN_UNINTELLIGIBLE_SPEECH_SEC) continue;
      unintelligible.push({
        startSec: round(run.span.startSec),
        endSec: round(run.span.endSec),
        ...(multiChannel ? { channel } : {}),
      });
    }
  }
  unintelligible.sort((a, b) => a.startSec - b.startSec || (a.channel ?? 0) - (b.channel ?? 0));
  return {
    voicedSec: round(voicedSec),
    coveredSec: round(coveredSec),
    coverage: voicedSec > 0 ? Math.min(1, Math.max(0, coveredSec / voicedSec)) : 1,
    unintelligible,
  };
}
