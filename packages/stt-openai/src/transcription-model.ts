import {
  attachWordsToSegments,
  ConfigurationError,
  checkSpeechWindow,
  encodePcm16Wav,
  type HostedProviderSettings,
  loadApiKey,
  loadOptionalApiKey,
  longestWindowSec,
  mapClientError,
  type SpeechToTextAudio,
  type SpeechToTextCallOptions,
  type SpeechToTextModel,
  type SpeechToTextResult,
  type SpeechToTextSegment,
  stainlessErrorClasses,
  throwIfAborted,
  whisperLanguageCode,
} from '@echolens/provider';
import OpenAI, { toFile } from 'openai';
import type { TranscriptionVerbose } from 'openai/resources/audio/transcriptions';

const CLIENT_ERROR_CLASSES = stainlessErrorClasses(OpenAI);

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
const GROQ_HOST = 'api.groq.com';
/** OpenAI's (and Groq's free tier's) upload limit per request. */
const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;
const SAMPLE_RATE = 16_000;

export interface OpenAITranscriptionSettings extends HostedProviderSettings {
  /**
   * Any OpenAI-compatible transcription API: OpenAI (default), Groq (`https://api.groq.com/openai/v1`),
   * or a self-hosted Whisper server (`http://127.0.0.1:8000/v1`). The key defaults to `GROQ_API_KEY` when
   * the base URL is Groq's, else `OPENAI_API_KEY`.
   */
  baseURL?: string;
  /** Default `whisper-1`, or `whisper-large-v3` on Groq. Must support `verbose_json` for timestamps. */
  model?: string;
  organization?: string;
  /** Reported as `provider`; default `openai`, `groq`, or `openai-compatible` from the base URL. */
  provider?: string;
  /** Longest window per request, default 600 s (19 MB as WAV); at most what fits in 25 MB. */
  maxWindowSec?: number;
  /** Sampling temperature; Whisper's default (0 with fallback) when absent. */
  temperature?: number;
}

/**
 * Hosted Whisper over the OpenAI transcription API and compatible ones. Each window is uploaded as 16-bit
 * PCM WAV and transcribed with `verbose_json` segment and word timestamps (words unless the caller passes
 * `wordTimestamps: false`). Errors become APICallErrors; retries and timeouts are the caller's (core's).
 */
export function createOpenAITranscription(settings: OpenAITranscriptionSettings = {}): SpeechToTextModel {
  const baseURL = settings.baseURL ?? OPENAI_BASE_URL;
  const host = new URL(baseURL).hostname;
  const isGroq = host === GROQ_HOST;
  const provider =
    settings.provider ?? (isGroq ? 'groq' : host === 'api.openai.com' ? 'openai' : 'openai-compatible');
  const modelId = settings.model ?? (isGroq ? 'whisper-large-v3' : 'whisper-1');
  const maxWindowSec = settings.maxWindowSec ?? 600;
  const largestWindowSec = longestWindowSec(UPLOAD_LIMIT_BYTES, SAMPLE_RATE);
  if (!(maxWindowSec > 0 && maxWindowSec <= largestWindowSec)) {
    throw new ConfigurationError(
      `createOpenAITranscription: maxWindowSec must be between 1 and ${largestWindowSec} (16-bit 16 kHz WAV under the 25 MB upload limit), got ${maxWindowSec}`,
    );
  }
  const keySource = {
    apiKey: settings.apiKey,
    environmentVariableName: isGroq ? 'GROQ_API_KEY' : 'OPENAI_API_KEY',
  };
  /** For scrubbing error messages: never throws. */
  const knownKey = () => loadOptionalApiKey(keySource);
  let client: OpenAI | undefined;
  const getClient = (): OpenAI => {
    if (client) return client;
    // Hosted services need a key; a self-hosted Whisper server often does not.
    const key =
      isGroq || provider === 'openai'
        ? loadApiKey({
            ...keySource,
            description: `${provider} transcription`,
            factoryName: 'createOpenAITranscription',
          })
        : knownKey();
    client = new OpenAI({
      apiKey: key || 'no-key',
      baseURL,
      organization: settings.organization ?? null,
      fetch: settings.fetch,
      defaultHeaders: settings.headers,
      maxRetries: 0,
    });
    return client;
  };

  return {
    specificationVersion: 'v1',
    provider,
    modelId,
    maxWindowSec,
    async transcribe(
      audio: SpeechToTextAudio,
      options: SpeechToTextCallOptions = {},
    ): Promise<SpeechToTextResult> {
      throwIfAborted(options.signal);
      const durationSec = checkSpeechWindow(audio, maxWindowSec, provider);
      const file = await toFile(encodePcm16Wav(audio.samples, audio.sampleRate), 'window.wav', {
        type: 'audio/wav',
      });
      const withWords = options.wordTimestamps !== false;
      try {
        const response: TranscriptionVerbose = await getClient().audio.transcriptions.create(
          {
            file,
            model: modelId,
            response_format: 'verbose_json',
            timestamp_granularities: withWords ? ['segment', 'word'] : ['segment'],
            ...(options.language ? { language: options.language } : {}),
            ...(options.prompt ? { prompt: options.prompt } : {}),
            ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
          },
          { signal: options.signal },
        );
        return toResult(response, durationSec);
      } catch (error) {
        throw mapClientError(error, {
          errorClasses: CLIENT_ERROR_CLASSES,
          provider,
          modelId,
          secrets: [knownKey(), ...Object.values(settings.headers ?? {})],
          signal: options.signal,
        });
      }
    },
  };
}

/** The default model: OpenAI `whisper-1`, key from `OPENAI_API_KEY`. */
export const openAITranscription: SpeechToTextModel = createOpenAITranscription();

function toResult(response: TranscriptionVerbose, durationSec: number): SpeechToTextResult {
  const segments: SpeechToTextSegment[] = (response.segments ?? []).map((segment) => ({
    startSec: segment.start,
    endSec: segment.end,
    text: segment.text.trim(),
    averageLogProbability: segment.avg_logprob,
    noSpeechProbability: segment.no_speech_prob,
    temperature: segment.temperature,
  }));
  attachWordsToSegments(
    segments,
    (response.words ?? []).map((word) => ({
      startSec: word.start,
      endSec: word.end,
      text: word.word.trim(),
    })),
  );
  return {
    language: response.language ? whisperLanguageCode(response.language) : undefined,
    segments,
    billedAudioSec:
      response.usage?.type === 'duration' ? response.usage.seconds : (response.duration ?? durationSec),
    raw: response,
  };
}
