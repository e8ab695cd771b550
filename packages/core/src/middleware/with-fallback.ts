import type {
  GenerateObjectOptions,
  GenerateObjectResult,
  LanguageModel,
} from '../adapters/language-model.js';
import { type Logger, silentLogger } from '../adapters/logger.js';
import type {
  SpeechToTextAudio,
  SpeechToTextCallOptions,
  SpeechToTextModel,
  SpeechToTextResult,
} from '../adapters/speech-to-text.js';
import {
  APICallError,
  describeError,
  MissingDependencyError,
  ModelLoadError,
  TimeoutError,
  throwIfAborted,
} from '../errors/index.js';
import type { AnsweredBy } from '../language-model/generate-structured.js';
import { runWithTimeout } from './timeout.js';

export interface FallbackOptions {
  /** Each fallback is logged at `warn` with the primary's error. Silent by default. */
  logger?: Logger;
  /**
   * Give up on the primary after this long and ask the secondary (a TimeoutError counts as a failure).
   * Useful because the caller's own timeout covers both models. Default: no limit of its own.
   */
  primaryTimeoutMs?: number;
  /** Which primary failures justify asking the secondary. Default: `isFallbackWorthy`. */
  shouldFallback?: (error: unknown) => boolean;
}

/** Results of a fallback model say which model produced them. */
export type WithAnsweredBy<T> = T & { answeredBy: AnsweredBy };

export interface FallbackLanguageModel extends LanguageModel {
  readonly primary: LanguageModel;
  readonly secondary: LanguageModel;
  generateObject(options: GenerateObjectOptions): Promise<WithAnsweredBy<GenerateObjectResult>>;
}

export interface FallbackSpeechToTextModel extends SpeechToTextModel {
  readonly primary: SpeechToTextModel;
  readonly secondary: SpeechToTextModel;
  transcribe(
    audio: SpeechToTextAudio,
    options?: SpeechToTextCallOptions,
  ): Promise<WithAnsweredBy<SpeechToTextResult>>;
}

/**
 * Failures another model may not share: the API failed or was unreachable (any APICallError, including
 * auth and rate limits), it timed out, or the model or a package it needs is missing. An abort is the
 * caller's decision, never a reason to try elsewhere; invalid input would fail the secondary too.
 */
export function isFallbackWorthy(error: unknown): boolean {
  return (
    APICallError.isInstance(error) ||
    TimeoutError.isInstance(error) ||
    ModelLoadError.isInstance(error) ||
    MissingDependencyError.isInstance(error)
  );
}

/**
 * A model that asks `primary` and, when it fails in a way `secondary` might not (see `isFallbackWorthy`),
 * asks `secondary` with the same request. Works for language models and speech-to-text models alike, e.g.
 * hosted Whisper first and local Whisper when the API is down.
 *
 * Every result carries `answeredBy: { provider, modelId, fallback, runsLocally, pricing }` naming the model
 * that actually answered (`generateStructured` passes it through), and each fallback is logged. The
 * wrapper's own `provider` is `fallback` and its `modelId` names both models. It `runsLocally` only when
 * both do (so personal data is redacted if either could leave the machine); a speech-to-text wrapper's
 * `maxWindowSec` is the smaller of the two, so any window fits either model.
 */
export function withFallback(
  primary: LanguageModel,
  secondary: LanguageModel,
  options?: FallbackOptions,
): FallbackLanguageModel;
export function withFallback(
  primary: SpeechToTextModel,
  secondary: SpeechToTextModel,
  options?: FallbackOptions,
): FallbackSpeechToTextModel;
export function withFallback(
  primary: LanguageModel | SpeechToTextModel,
  secondary: LanguageModel | SpeechToTextModel,
  options: FallbackOptions = {},
): FallbackLanguageModel | FallbackSpeechToTextModel {
  const identity = {
    specificationVersion: 'v1' as const,
    provider: 'fallback',
    modelId: `${primary.provider}/${primary.modelId} → ${secondary.provider}/${secondary.modelId}`,
    primary,
    secondary,
  };
  if ('generateObject' in primary && 'generateObject' in secondary) {
    const model: FallbackLanguageModel = {
      ...identity,
      primary,
      secondary,
      runsLocally: Boolean(primary.runsLocally && secondary.runsLocally),
      pricing: primary.pricing,
      generateObject: (callOptions) =>
        callWithFallback(
          primary,
          secondary,
          (chosen, signal) => chosen.generateObject({ ...callOptions, signal }),
          callOptions.signal,
          options,
        ),
    };
    return model;
  }
  if ('transcribe' in primary && 'transcribe' in secondary) {
    const model: FallbackSpeechToTextModel = {
      ...identity,
      primary,
      secondary,
      maxWindowSec: Math.min(primary.maxWindowSec, secondary.maxWindowSec),
      transcribe: (audio, callOptions = {}) =>
        callWithFallback(
          primary,
          secondary,
          (chosen, signal) => chosen.transcribe(audio, { ...callOptions, signal }),
          callOptions.signal,
          options,
        ),
      async dispose() {
        await Promise.all([primary.dispose?.(), secondary.dispose?.()]);
      },
    };
    return model;
  }
  throw new TypeError('withFallback needs two language models or two speech-to-text models');
}

type AnyModel = LanguageModel | SpeechToTextModel;

async function callWithFallback<M extends AnyModel, R extends object>(
  primary: M,
  secondary: M,
  call: (model: M, signal: AbortSignal | undefined) => Promise<R>,
  signal: AbortSignal | undefined,
  options: FallbackOptions,
): Promise<WithAnsweredBy<R>> {
  throwIfAborted(signal);
  const shouldFallback = options.shouldFallback ?? isFallbackWorthy;
  let primaryError: unknown;
  try {
    const result =
      options.primaryTimeoutMs === undefined
        ? await call(primary, signal)
        : await runWithTimeout((limitedSignal) => call(primary, limitedSignal), {
            timeoutMs: options.primaryTimeoutMs,
            signal,
            description: `${primary.provider}/${primary.modelId}`,
          });
    return { ...result, answeredBy: answeredBy(primary, false) };
  } catch (error) {
    throwIfAborted(signal);
    if (!shouldFallback(error)) throw error;
    primaryError = error;
  }
  (options.logger ?? silentLogger).warn(
    {
      primary: `${primary.provider}/${primary.modelId}`,
      secondary: `${secondary.provider}/${secondary.modelId}`,
      error: describeError(primaryError),
    },
    'primary model failed; asking the fallback model',
  );
  const result = await call(secondary, signal);
  return { ...result, answeredBy: answeredBy(secondary, true) };
}

function answeredBy(model: AnyModel, fallback: boolean): AnsweredBy {
  const languageModel = model as Partial<LanguageModel>;
  return {
    provider: model.provider,
    modelId: model.modelId,
    fallback,
    runsLocally: languageModel.runsLocally,
    pricing: languageModel.pricing,
  };
}
