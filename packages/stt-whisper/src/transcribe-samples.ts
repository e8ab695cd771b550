import {
  type Logger,
  type SpeechToTextResult,
  type SpeechToTextSegment,
  throwIfAborted,
} from '@echolens/provider';
import { type DecodedWindow, decodeWindow, SAMPLE_RATE, WINDOW_SAMPLES } from './decode-window.js';
import type { LoadedWhisper } from './load-whisper.js';
import { type ParsedWindow, segmentsFromTokens } from './segments-from-tokens.js';

/** Decoding resumes inside a window only when at least this much audio is left after the last segment. */
const MIN_RESUME_SEC = 1;
/** Audio whose peak stays below this (-60 dBFS) after the last segment is not worth another pass. */
const SILENT_PEAK = 0.001;

function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
  return peak;
}

/**
 * Samples to advance after a pass over audio longer than one window, as Whisper's seek loop does,
 * with two differences. When the model ends early (after one of several utterances separated by
 * silence), Whisper skips the rest of the window, which loses speech; here decoding resumes after
 * the last finished segment unless the rest is silent. After a repetition loop it resumes there
 * too: a pass that starts elsewhere usually decodes the rest correctly. The last window is not
 * decoded again: EchoLens core hands over one window per call and itself retries speech the model
 * skipped at the end of a window.
 */
function nextSeek(
  decoded: DecodedWindow,
  parsed: ParsedWindow,
  window: Float32Array,
  remaining: number,
): number {
  const resumeAt = parsed.lastClosedEndSec;
  if (resumeAt === undefined || remaining <= window.length) return window.length;
  const resumeSample = Math.round(Math.max(resumeAt, MIN_RESUME_SEC) * SAMPLE_RATE);
  const restSec = (window.length - resumeSample) / SAMPLE_RATE;
  if (restSec < MIN_RESUME_SEC) return window.length;
  if (decoded.looped || decoded.truncated || parsed.openTail) return resumeSample;
  return peakOf(window.subarray(resumeSample)) >= SILENT_PEAK ? resumeSample : window.length;
}

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
 * windows, so this is normally one pass; see `nextSeek` for when a window takes more.
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
        temperature: decoded.temperature,
        ms: Math.round(performance.now() - started),
      },
      'whisper window decoded',
    );
    if (decoded.language) {
      languageVotes.set(decoded.language, (languageVotes.get(decoded.language) ?? 0) + windowSec);
    }
    segments.push(...parsed.segments.map((segment) => shift(segment, offsetSec)));

    const advance = nextSeek(decoded, parsed, window, samples.length - seek);
    if (parsed.openTail && advance === window.length) {
      segments.push(shift({ ...parsed.openTail, endSec: parsed.openTail.endSec ?? windowSec }, offsetSec));
    }
    seek += advance;
  }
  const language = options.language ?? [...languageVotes].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { ...(language ? { language } : {}), segments, billedAudioSec: 0 };
}
