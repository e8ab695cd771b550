import type {
  TranscriptionModelV2,
  TranscriptionModelV2CallOptions,
  TranscriptionModelV3,
  TranscriptionModelV3CallOptions,
  TranscriptionModelV4,
  TranscriptionModelV4CallOptions,
} from '@ai-sdk/provider';
import {
  attachWordsToSegments,
  ConfigurationError,
  checkSpeechWindow,
  encodePcm16Wav,
  type SpeechToTextAudio,
  type SpeechToTextCallOptions,
  type SpeechToTextModel,
  type SpeechToTextResult,
  type SpeechToTextSegment,
  throwIfAborted,
  whisperLanguageCode,
} from '@echolens/provider';
import {
  type AISDKModelSettings,
  type AISDKProviderOptions,
  createAdapter,
  providerOptionsKey,
} from './adapter.js';

/** What the AI SDK's provider packages return: `openai.transcription('whisper-1')`, `groq.transcription('…')`… */
export type AISDKTranscriptionModel = TranscriptionModelV2 | TranscriptionModelV3 | TranscriptionModelV4;

export interface AISDKTranscriptionSettings extends AISDKModelSettings {
  /**
   * The longest window, in seconds, sent in one request; core packs speech into windows no longer than this.
   * Default 600 s (19 MB as 16 kHz WAV, under the 25 MB upload limit of OpenAI and Groq).
   */
  maxWindowSec?: number;
}

const DEFAULT_MAX_WINDOW_SEC = 600;

/**
 * An AI SDK transcription model as an EchoLens `SpeechToTextModel`:
 * `fromAISDKTranscription(openai.transcription('whisper-1'))`.
 *
 * Each window is one spec-level `doGenerate` call with the window as 16-bit PCM WAV. The AI SDK has no
 * call-level language, prompt or (before v4) timestamp options, so they travel as provider options under
 * the provider's key, with the names of the OpenAI transcription API that OpenAI, Groq and most
 * Whisper-style providers use (`language`, `prompt`, `timestampGranularities`); `providerOptions` adds
 * to them or overrides them. Segments keep their times; when the provider passes Whisper's `verbose_json`
 * body through (OpenAI and Groq do), each segment also gets its `avg_logprob` and `no_speech_prob`, which
 * core's hallucination filter uses, and words come from it when the specification version has none.
 */
export function fromAISDKTranscription(
  model: AISDKTranscriptionModel,
  settings: AISDKTranscriptionSettings = {},
): SpeechToTextModel {
  const adapter = createAdapter(model, settings, 'fromAISDKTranscription', 'transcription model');
  const maxWindowSec = settings.maxWindowSec ?? DEFAULT_MAX_WINDOW_SEC;
  if (!(maxWindowSec > 0)) {
    throw new ConfigurationError(
      `fromAISDKTranscription: maxWindowSec must be positive, got ${maxWindowSec}`,
    );
  }
  const optionsKey = providerOptionsKey(model.provider);
  let reportedNoTimings = false;

  return {
    specificationVersion: 'v1',
    ...adapter.identity,
    maxWindowSec,
    async transcribe(
      audio: SpeechToTextAudio,
      options: SpeechToTextCallOptions = {},
    ): Promise<SpeechToTextResult> {
      throwIfAborted(options.signal);
      const durationSec = checkSpeechWindow(audio, maxWindowSec, adapter.identity.provider);
      const timestampGranularities: ('segment' | 'word')[] =
        options.wordTimestamps === false ? ['segment'] : ['segment', 'word'];
      const callOptions: CallOptions = {
        audio: encodePcm16Wav(audio.samples, audio.sampleRate),
        mediaType: 'audio/wav',
        // v4 has the granularities at the call level; earlier versions only as provider options.
        timestampGranularities,
        providerOptions: providerOptionsFor(optionsKey, settings.providerOptions, {
          timestampGranularities,
          ...(options.language ? { language: options.language } : {}),
          ...(options.prompt ? { prompt: options.prompt } : {}),
        }),
        abortSignal: options.signal,
      };
      const result = await adapter.call<TranscriptionResult>(options.signal, () =>
        model.doGenerate(callOptions),
      );
      adapter.reportWarnings(result.warnings);
      const transcription = toResult(result, durationSec);
      if (transcription.segments.length === 0 && result.text.trim()) {
        // Text without timings: one segment for the window, and the user told how coarse that is.
        transcription.segments.push({ startSec: 0, endSec: durationSec, text: result.text.trim() });
        if (!reportedNoTimings) {
          reportedNoTimings = true;
          adapter.logger.warn(
            `${adapter.subject} returned text without segment timings: each window becomes one segment. ` +
              'Ask the provider for timestamps through providerOptions (Groq: { groq: { responseFormat: "verbose_json" } }) or lower maxWindowSec.',
          );
        }
      }
      return transcription;
    },
  };
}

/** One object every specification version accepts. */
type CallOptions = TranscriptionModelV2CallOptions &
  TranscriptionModelV3CallOptions &
  TranscriptionModelV4CallOptions;
type TranscriptionResult = Awaited<ReturnType<AISDKTranscriptionModel['doGenerate']>>;

/** The per-call options under the provider's key, with the user's provider options over them. */
function providerOptionsFor(
  key: string,
  user: AISDKProviderOptions | undefined,
  perCall: AISDKProviderOptions[string],
): AISDKProviderOptions {
  return { ...user, [key]: { ...perCall, ...user?.[key] } };
}

/** The parts of Whisper's `verbose_json` body that the AI SDK's result leaves out. */
interface WhisperBody {
  language?: unknown;
  segments?: { start?: unknown; end?: unknown; avg_logprob?: unknown; no_speech_prob?: unknown }[];
  words?: { word?: unknown; start?: unknown; end?: unknown }[];
  usage?: { type?: unknown; seconds?: unknown };
}

function toResult(result: TranscriptionResult, durationSec: number): SpeechToTextResult {
  const body = (typeof result.response?.body === 'object' ? result.response.body : {}) as WhisperBody;
  const whisperSegments = Array.isArray(body.segments) ? body.segments : [];
  const segments: SpeechToTextSegment[] = result.segments.map((segment, index) => {
    const whisper = whisperSegments[index];
    // The body's segment is this one only if its times agree (the AI SDK maps them one to one).
    const same =
      whisper !== undefined && whisper.start === segment.startSecond && whisper.end === segment.endSecond;
    return {
      startSec: segment.startSecond,
      endSec: segment.endSecond,
      text: segment.text.trim(),
      ...(same && typeof whisper.avg_logprob === 'number'
        ? { averageLogProbability: whisper.avg_logprob }
        : {}),
      ...(same && typeof whisper.no_speech_prob === 'number'
        ? { noSpeechProbability: whisper.no_speech_prob }
        : {}),
    };
  });
  attachWordsToSegments(segments, wordsOf(result, body));
  const language = result.language ?? (typeof body.language === 'string' ? body.language : undefined);
  return {
    ...(language ? { language: whisperLanguageCode(language) } : {}),
    segments,
    billedAudioSec: billedSeconds(result, body) ?? result.durationInSeconds ?? durationSec,
    raw: result.response?.body ?? result,
  };
}

/** v4 reports words; earlier versions drop them, but Whisper's body still has them. */
function wordsOf(result: TranscriptionResult, body: WhisperBody) {
  if ('words' in result && result.words) {
    return result.words.map((word) => ({
      startSec: word.startSecond,
      endSec: word.endSecond,
      text: word.text.trim(),
    }));
  }
  return (Array.isArray(body.words) ? body.words : []).flatMap((word) =>
    typeof word.word === 'string' && typeof word.start === 'number' && typeof word.end === 'number'
      ? [{ startSec: word.start, endSec: word.end, text: word.word.trim() }]
      : [],
  );
}

/** OpenAI bills `usage: { type: 'duration', seconds }` (rounded up), in v4's `usage` and in the body. */
function billedSeconds(result: TranscriptionResult, body: WhisperBody): number | undefined {
  const usage = ('usage' in result ? result.usage : undefined) ?? body.usage;
  return usage?.type === 'duration' && typeof usage.seconds === 'number' ? usage.seconds : undefined;
}
