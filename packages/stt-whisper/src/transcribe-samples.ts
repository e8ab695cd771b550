import {
  type Logger,
  type SpeechToTextResult,
  type SpeechToTextSegment,
  throwIfAborted,
} from '@echolens/core';
import { decodeWindow, SAMPLE_RATE, WINDOW_SAMPLES } from './decode-window.js';
import type { LoadedWhisper } from './load-whisper.js';
import { segmentsFromTokens } from './segments-from-tokens.js';

/** An unfinished segment is decoded again from its start only when at least this much audio follows. */
const MIN_REDECODE_SEC = 1;

export interface TranscribeSamplesOptions {
  language: string | undefined;
  prompt: string | undefined;
  wordTimestamps: boolean;
  signal: AbortSignal | undefined;
  logger: Logger;
}

function shift(segment: SpeechToTextSegment, offsetSec: number): SpeechToTextSegment {
  if (offsetSec === 0) return segment;
  const move = (seconds: number) => Math.round((seconds + offsetSec) * 1000) / 1000;
  return {
    ...segment,
    startSec: move(segment.startSec),
    endSec: move(segment.endSec),
    ...(segment.words
      ? {
          words: segment.words.map((word) => ({
            ...word,
            startSec: move(word.startSec),
            endSec: move(word.endSec),
          })),
        }
      : {}),
  };
}

/**
 * Transcribes 16 kHz mono audio of any length in ≤30 s passes. Core already hands over ≤30 s
 * windows, so this is normally one pass; longer audio (a direct adapter call) advances like
 * Whisper's own seek loop: to the end of the last finished segment when the model stopped mid-way,
 * else by the whole window.
 */
export async function transcribeSamples(
  whisper: LoadedWhisper,
  samples: Float32Array,
  options: TranscribeSamplesOptions,
): Promise<SpeechToTextResult> {
  const promptTokens = options.prompt?.trim()
    ? whisper.tokenizer.encode(` ${options.prompt.trim()}`, { add_special_tokens: false })
    : [];
  const segments: SpeechToTextSegment[] = [];
  const languageVotes = new Map<string, number>();
  let seek = 0;
  while (seek < samples.length) {
    throwIfAborted(options.signal);
    const window = samples.subarray(seek, seek + WINDOW_SAMPLES);
    const windowSec = window.length / SAMPLE_RATE;
    const offsetSec = seek / SAMPLE_RATE;
    const started = performance.now();
    const decoded = await decodeWindow(whisper, window, {
      language: options.language,
      promptTokens,
      wordTimestamps: options.wordTimestamps,
      signal: options.signal,
    });
    throwIfAborted(options.signal);
    const parsed = segmentsFromTokens(decoded, whisper.tokenizer, whisper.tokens, windowSec);
    options.logger.debug(
      {
        offsetSec,
        windowSec,
        tokens: decoded.tokens.length,
        language: decoded.language,
        noSpeechProbability: decoded.noSpeechProbability,
        ms: Math.round(performance.now() - started),
      },
      'whisper window decoded',
    );
    if (decoded.language) {
      languageVotes.set(decoded.language, (languageVotes.get(decoded.language) ?? 0) + windowSec);
    }
    segments.push(...parsed.segments.map((segment) => shift(segment, offsetSec)));

    const audioFollows = seek + window.length < samples.length;
    const resumeAt = parsed.lastClosedEndSec;
    const cutByWindowEdge =
      parsed.openTail !== undefined &&
      audioFollows &&
      resumeAt !== undefined &&
      resumeAt >= MIN_REDECODE_SEC &&
      windowSec - resumeAt >= MIN_REDECODE_SEC;
    if (cutByWindowEdge && resumeAt !== undefined) {
      // The last segment was cut by the window edge: decode it again with the audio that follows.
      seek += Math.round(resumeAt * SAMPLE_RATE);
      continue;
    }
    if (parsed.openTail) {
      segments.push(shift({ ...parsed.openTail, endSec: parsed.openTail.endSec ?? windowSec }, offsetSec));
    }
    seek += window.length;
  }
  const language = options.language ?? [...languageVotes].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { ...(language ? { language } : {}), segments, billedAudioSec: 0 };
}
