import {
  APICallError,
  describeError,
  type LanguageModel,
  type Logger,
  MissingDependencyError,
  ModelLoadError,
  type ModelReference,
  type SpeechToTextModel,
  silentLogger,
  TimeoutError,
  throwIfAborted,
} from '@echolens/provider';
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

export interface FallbackLanguageModel extends LanguageModel {
  readonly primary: LanguageModel;
  readonly secondary: LanguageModel;
}

export interface FallbackSpeechToTextModel extends SpeechToTextModel {
  readonly primary: SpeechToTextModel;
  readonly secondary: SpeechToTextModel;
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
 * Every result carries `answeredBy` (the contract's `ModelReference`) naming the model that actually
 * answered, and each fallback is logged; costs, provenance and cache entries follow that model, so an
 * answer from the fallback is never served later as if the primary had given it. The wrapper presents
 * itself as the primary (provider, modelId, cacheKey: the model expected to answer, which is what cache
 * lookups use). It `runsInProcess` only when both do (personal data is redacted if either could take
 * it out of the process); a speech-to-text wrapper's `maxWindowSec` is the smaller of the two, so any
 * window fits either model.
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
    provider: primary.provider,
    modelId: primary.modelId,
    ...(primary.cacheKey !== undefined ? { cacheKey: primary.cacheKey } : {}),
  };
  if ('generateObject' in primary && 'generateObject' in secondary) {
    const model: FallbackLanguageModel = {
      ...identity,
      primary,
      secondary,
      runsInProcess: Boolean(primary.runsInProcess && secondary.runsInProcess),
      ...(primary.pricing ? { pricing: primary.pricing } : {}),
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

async function callWithFallback<M extends AnyModel, R extends { answeredBy?: ModelReference }>(
  primary: M,
  secondary: M,
  call: (model: M, signal: AbortSignal | undefined) => Promise<R>,
  signal: AbortSignal | undefined,
  options: FallbackOptions,
): Promise<R> {
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
    return { ...result, answeredBy: result.answeredBy ?? referenceTo(primary, false) };
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
  // A nested fallback's own answerer is kept, but it answered for this wrapper's secondary.
  return {
    ...result,
    answeredBy: { ...(result.answeredBy ?? referenceTo(secondary, true)), fallback: true },
  };
}

function referenceTo(model: AnyModel, fallback: boolean): ModelReference {
  const languageModel = model as Partial<LanguageModel>;
  return {
    provider: model.provider,
    modelId: model.modelId,
    fallback,
    ...(model.cacheKey !== undefined ? { cacheKey: model.cacheKey } : {}),
    ...(languageModel.pricing ? { pricing: languageModel.pricing } : {}),
    ...(languageModel.runsInProcess !== undefined ? { runsInProcess: languageModel.runsInProcess } : {}),
  };
}
