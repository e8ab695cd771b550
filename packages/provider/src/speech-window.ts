import { InvalidInputError } from './errors.js';
import type { SpeechToTextAudio, SpeechToTextSegment, SpeechToTextWord } from './speech-to-text.js';

const SAMPLE_RATE = 16_000;

/**
 * Checks one window handed to a hosted speech-to-text model (16 kHz, not empty, no longer than the model
 * takes) and returns its length in seconds. `provider` starts the error messages.
 */
export function checkSpeechWindow(audio: SpeechToTextAudio, maxWindowSec: number, provider: string): number {
  if (audio.sampleRate !== SAMPLE_RATE) {
    throw new InvalidInputError(
      `${provider} transcription expects ${SAMPLE_RATE} Hz audio, got ${audio.sampleRate} Hz`,
    );
  }
  if (audio.samples.length === 0)
    throw new InvalidInputError(`${provider} transcription got an empty audio window`);
  const durationSec = audio.samples.length / SAMPLE_RATE;
  if (durationSec > maxWindowSec + 1e-6) {
    throw new InvalidInputError(
      `${provider} transcription got a ${durationSec.toFixed(1)} s window; this model takes at most ${maxWindowSec} s`,
    );
  }
  return durationSec;
}

/**
 * Hosted Whisper APIs return words as one flat list; each goes to the segment holding its midpoint, or the
 * nearest one (word and segment timings come from different passes and can disagree by a few hundredths).
 */
export function attachWordsToSegments(segments: SpeechToTextSegment[], words: SpeechToTextWord[]): void {
  if (segments.length === 0) return;
  for (const word of words) {
    const midpoint = (word.startSec + word.endSec) / 2;
    let best = segments[0] as SpeechToTextSegment;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const segment of segments) {
      const distance =
        midpoint < segment.startSec ? segment.startSec - midpoint : Math.max(0, midpoint - segment.endSec);
      if (distance < bestDistance) {
        best = segment;
        bestDistance = distance;
      }
    }
    best.words ??= [];
    best.words.push(word);
  }
}
