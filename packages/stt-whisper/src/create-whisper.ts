import {
  ConfigurationError,
  InvalidInputError,
  type Logger,
  Mutex,
  type SpeechToTextAudio,
  type SpeechToTextCallOptions,
  type SpeechToTextModel,
  type SpeechToTextResult,
  silentLogger,
  throwIfAborted,
} from '@echolens/provider';
import { WINDOW_SAMPLES } from './decode-window.js';
import { type LoadedWhisper, loadWhisper } from './load-whisper.js';
import { canonicalModelName, DEFAULT_WHISPER_MODEL, locateWhisperModel } from './model-location.js';
import { transcribeSamples } from './transcribe-samples.js';

export interface WhisperOptions {
  /**
   * `Xenova/whisper-base` (default, `DEFAULT_WHISPER_MODEL`), `whisper-tiny` (shorthand for
   * `Xenova/whisper-tiny`: up to 1.6× faster, much weaker on telephone audio), `whisper-small` (the most
   * accurate, 2-3× base's time and 2.7 GB of memory), any Transformers.js Whisper id, or a path to a local
   * model folder.
   */
  model?: string;
  /** ONNX weight type: `q8` (default, 8-bit), `fp32`, `fp16`, `q4`… The files must exist for it. */
  dtype?: string;
  /** ISO 639-1 code to force (e.g. `en`); detected per window when absent. */
  language?: string;
  /**
   * Folder of local models. Set (or `ECHOLENS_MODELS_DIR` set) means offline: only that folder is
   * used. Otherwise the default models folder is tried first and the Hugging Face hub second, with
   * downloads kept in that folder.
   */
  modelsDir?: string;
  logger?: Logger;
}

/** Local Whisper: a SpeechToTextModel plus explicit loading for callers that want to fail early. */
export interface WhisperModel extends SpeechToTextModel {
  readonly provider: 'whisper-local';
  readonly dtype: string;
  /** Loads the model now (it otherwise loads on the first transcribe call). */
  load(): Promise<void>;
  dispose(): Promise<void>;
}

/** Bumped when decoding changes in a way that changes transcripts, so cached ones are not reused. */
const DECODER_VERSION = 3;

/**
 * Whisper on the CPU through Transformers.js and onnxruntime-node. One loaded model serves every
 * call; calls queue, because one ONNX session already uses every core it is given.
 */
export function createWhisper(options: WhisperOptions = {}): WhisperModel {
  const requestedModel = options.model ?? DEFAULT_WHISPER_MODEL;
  const dtype = options.dtype ?? 'q8';
  const logger = options.logger ?? silentLogger;
  const lookup = locateWhisperModel(requestedModel, options.modelsDir);
  const modelId = lookup.location?.modelId ?? canonicalModelName(requestedModel);
  const queue = new Mutex();
  let loading: Promise<LoadedWhisper> | undefined;

  const load = (): Promise<LoadedWhisper> => {
    if (!loading) {
      loading = loadWhisper(lookup, requestedModel, dtype, logger);
      // A failed load is retried on the next call (the user may fetch the model meanwhile).
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };

  const checkLanguage = (whisper: LoadedWhisper, language: string | undefined): string | undefined => {
    if (!language) return undefined;
    const code = language.toLowerCase();
    if (!whisper.multilingual) {
      if (code === 'en') return undefined;
      throw new ConfigurationError(
        `Whisper model "${modelId}" is English-only; it cannot transcribe "${language}".`,
      );
    }
    if (!whisper.tokens.languages.has(code)) {
      throw new ConfigurationError(
        `Whisper model "${modelId}" does not know language "${language}". Use an ISO 639-1 code, one of: ${[
          ...whisper.tokens.languages.keys(),
        ].join(', ')}.`,
      );
    }
    return code;
  };

  return {
    specificationVersion: 'v1',
    provider: 'whisper-local',
    modelId,
    dtype,
    cacheKey: `dtype=${dtype};decoder=${DECODER_VERSION}`,
    maxWindowSec: WINDOW_SAMPLES / 16_000,

    async preflight() {
      await load();
    },

    async load() {
      await load();
    },

    async transcribe(
      audio: SpeechToTextAudio,
      callOptions: SpeechToTextCallOptions = {},
    ): Promise<SpeechToTextResult> {
      if (!(audio?.samples instanceof Float32Array) || audio.sampleRate !== 16_000) {
        throw new InvalidInputError(
          `Whisper needs 16 kHz mono Float32Array samples; got ${audio?.samples?.constructor?.name ?? typeof audio?.samples} at ${audio?.sampleRate} Hz.`,
        );
      }
      throwIfAborted(callOptions.signal);
      return queue.run(async () => {
        throwIfAborted(callOptions.signal);
        const whisper = await load();
        const language = checkLanguage(whisper, callOptions.language ?? options.language);
        if (audio.samples.length === 0)
          return { ...(language ? { language } : {}), segments: [], billedAudioSec: 0 };
        return transcribeSamples(whisper, audio.samples, {
          language,
          prompt: callOptions.prompt,
          wordTimestamps: callOptions.wordTimestamps ?? false,
          signal: callOptions.signal,
          logger,
        });
      });
    },

    async dispose() {
      const pending = loading;
      loading = undefined;
      if (!pending) return;
      await queue.run(async () => {
        const whisper = await pending.catch(() => undefined);
        await whisper?.dispose();
      });
    },
  };
}
