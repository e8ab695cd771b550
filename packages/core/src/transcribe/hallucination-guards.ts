import { deflateSync } from 'node:zlib';
import type { SpeechToTextSegment } from '@echolens/provider';

/**
 * Thresholds for dropping text a speech-to-text model invents. The defaults follow Whisper's own
 * decoding rules where it has one (compression ratio 2.4, no-speech 0.6 with log-probability -1).
 */
export interface HallucinationGuardOptions {
  /**
   * Text whose zlib compression ratio exceeds this is a repetition loop (Whisper's
   * `compression_ratio_threshold`, 2.4). Natural sentences stay well below it.
   */
  maxCompressionRatio: number;
  /**
   * A phrase repeated back to back at least this many times is a loop (default 3); the repeats are
   * cut, keeping the first occurrence. Needs `minLoopWords` too, so "no, no, no" stays.
   */
  minLoopRepeats: number;
  /** Fewest words a run of repeats must span to count as a loop (default 10). */
  minLoopWords: number;
  /**
   * Whisper's silence rule: a segment is dropped when the model's no-speech probability is above
   * `noSpeechThreshold` (0.6) and its mean token log-probability is below `logProbThreshold` (-1).
   */
  noSpeechThreshold: number;
  logProbThreshold: number;
  /**
   * Mean token log-probability below which a segment is dropped whatever the no-speech probability
   * (default -3, a geometric-mean token probability under 5 %: every token a one-in-twenty guess).
   * Whisper and faster-whisper never drop on a low log-probability alone: the model heard speech
   * and transcribed it poorly, which the segment's `confidence` says, and garbled but real speech
   * still tells the analysis that someone talked. On tiny, a real agent greeting on an 8 kHz call
   * scored -1.67 (the old -1.5 floor dropped it); text below -3 is noise put into words.
   * Undefined turns the floor off.
   */
  minAverageLogProbability?: number;
  /**
   * Seconds a segment must overlap VAD speech (or half its length when shorter); 0 (default) turns
   * the check off. Core never sends audio far from VAD speech (a piece is speech plus 0.2 s of
   * padding, or pauses of at most `gapSec` inside it), and text timed in the silence packing
   * inserts belongs to the neighbouring piece, so what this check drops is speech the VAD missed:
   * on a real 8 kHz call every segment it dropped was a caller's "Okay." or "Yeah." at a time the
   * reference turns give to that caller. Worth turning on only with a VAD trusted more than the model.
   */
  minSpeechOverlapSec: number;
}

export const DEFAULT_HALLUCINATION_GUARDS: HallucinationGuardOptions = {
  maxCompressionRatio: 2.4,
  minLoopRepeats: 3,
  minLoopWords: 10,
  noSpeechThreshold: 0.6,
  logProbThreshold: -1,
  minAverageLogProbability: -3,
  minSpeechOverlapSec: 0,
};

/** Bytes of UTF-8 text over bytes after zlib: high for repetitive text (Whisper uses gzip, same idea). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return bytes.length / deflateSync(bytes).length;
}

/** Lower-case letters and digits only, so "Thank you." and "thank you" compare equal. */
function comparable(token: string): string {
  return token.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export interface RepetitionLoop {
  /** Token index where the first occurrence starts. */
  start: number;
  /** Tokens in the repeated phrase. */
  phraseLength: number;
  /** Times the phrase occurs back to back (including the first). */
  repeats: number;
}

/** The first phrase (1-12 tokens) that repeats back to back often enough to be a loop. */
export function findRepetitionLoop(
  tokens: readonly string[],
  options: Pick<HallucinationGuardOptions, 'minLoopRepeats' | 'minLoopWords'>,
): RepetitionLoop | undefined {
  const keys = tokens.map(comparable);
  const maxPhrase = Math.min(12, Math.floor(keys.length / options.minLoopRepeats));
  for (let start = 0; start < keys.length; start++) {
    for (let phraseLength = 1; phraseLength <= maxPhrase; phraseLength++) {
      let repeats = 1;
      const matchesAt = (offset: number) => {
        for (let k = 0; k < phraseLength; k++) {
          const a = keys[start + k];
          if (a === '' || a !== keys[offset + k]) return false;
        }
        return true;
      };
      while (
        start + (repeats + 1) * phraseLength <= keys.length &&
        matchesAt(start + repeats * phraseLength)
      ) {
        repeats++;
      }
      if (repeats >= options.minLoopRepeats && repeats * phraseLength >= options.minLoopWords) {
        return { start, phraseLength, repeats };
      }
    }
  }
  return undefined;
}

/**
 * Cuts repetition loops out of a segment, keeping the first occurrence of each repeated phrase.
 * Words are cut along with the text when they correspond one to one with its space-separated
 * tokens (they do for Whisper); otherwise the word timings are dropped rather than left wrong.
 */
export function removeRepetitionLoops(
  segment: SpeechToTextSegment,
  options: Pick<HallucinationGuardOptions, 'minLoopRepeats' | 'minLoopWords'>,
): { segment: SpeechToTextSegment; loopsRemoved: number } {
  let tokens = segment.text.split(/\s+/).filter(Boolean);
  let words = segment.words && segment.words.length === tokens.length ? segment.words : undefined;
  let loopsRemoved = 0;
  for (let loop = findRepetitionLoop(tokens, options); loop; loop = findRepetitionLoop(tokens, options)) {
    const cutFrom = loop.start + loop.phraseLength;
    const cutTo = loop.start + loop.repeats * loop.phraseLength;
    tokens = [...tokens.slice(0, cutFrom), ...tokens.slice(cutTo)];
    if (words) words = [...words.slice(0, cutFrom), ...words.slice(cutTo)];
    loopsRemoved++;
  }
  if (loopsRemoved === 0) return { segment, loopsRemoved };
  const { words: _originalWords, ...rest } = segment;
  const lastWord = words?.at(-1);
  return {
    segment: {
      ...rest,
      text: tokens.join(' '),
      ...(words ? { words } : {}),
      ...(lastWord ? { endSec: lastWord.endSec } : {}),
    },
    loopsRemoved,
  };
}

/**
 * Why a segment must be dropped, or undefined to keep it. `speechOverlapSec` is its overlap with VAD
 * speech; undefined skips that check (text the model timed in silence we inserted ourselves).
 */
export function rejectionReason(
  segment: SpeechToTextSegment,
  speechOverlapSec: number | undefined,
  options: HallucinationGuardOptions,
): string | undefined {
  // Punctuation alone ("...", ".") is what Whisper writes over a sound it cannot put into words.
  if (!/[\p{L}\p{N}]/u.test(segment.text)) return 'empty';
  const duration = Math.max(0, segment.endSec - segment.startSec);
  if (
    speechOverlapSec !== undefined &&
    options.minSpeechOverlapSec > 0 &&
    (speechOverlapSec < Math.min(options.minSpeechOverlapSec, duration / 2) || speechOverlapSec <= 0)
  ) {
    return 'outside-speech';
  }
  const logProbability = segment.averageLogProbability;
  if (
    logProbability !== undefined &&
    segment.noSpeechProbability !== undefined &&
    segment.noSpeechProbability > options.noSpeechThreshold &&
    logProbability < options.logProbThreshold
  ) {
    return 'no-speech';
  }
  if (
    logProbability !== undefined &&
    options.minAverageLogProbability !== undefined &&
    logProbability < options.minAverageLogProbability
  ) {
    return 'low-confidence';
  }
  if (compressionRatio(segment.text) > options.maxCompressionRatio) return 'repetitive';
  return undefined;
}
