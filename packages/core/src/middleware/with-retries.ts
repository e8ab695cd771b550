import type { SpeechToTextModel } from '@echolens/provider';
import { describeError, type Logger, silentLogger } from '@echolens/provider';
import { retryWithBackoff } from './retry.js';
import { runWithTimeout } from './timeout.js';

export interface SpeechToTextRetryOptions {
  /** Retries of retryable APICallErrors (429, 5xx, network), default 4, honouring retry-after. */
  maxRetries?: number;
  /** Per request → TimeoutError; default 300 000 ms (a 10-minute window can take a while to upload). */
  timeoutMs?: number;
  /** Retries are logged at `warn`. */
  logger?: Logger;
}

/**
 * A hosted speech-to-text model with core's retry policy (exponential backoff with jitter, retry-after
 * honoured, aborts obeyed mid-backoff) and a per-request timeout, the same policy `generateStructured`
 * applies to language models. Adapters stay thin translators; wrap them, e.g.
 * `withFallback(withRetries(createOpenAITranscription()), localWhisper)`.
 */
export function withRetries(
  model: SpeechToTextModel,
  options: SpeechToTextRetryOptions = {},
): SpeechToTextModel {
  const logger = options.logger ?? silentLogger;
  const description = `${model.provider}/${model.modelId}`;
  return {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    ...(model.cacheKey !== undefined ? { cacheKey: model.cacheKey } : {}),
    maxWindowSec: model.maxWindowSec,
    transcribe: (audio, callOptions = {}) =>
      retryWithBackoff(
        () =>
          runWithTimeout((signal) => model.transcribe(audio, { ...callOptions, signal }), {
            timeoutMs: options.timeoutMs ?? 300_000,
            signal: callOptions.signal,
            description,
          }),
        {
          maxRetries: options.maxRetries ?? 4,
          signal: callOptions.signal,
          onRetry: ({ retry, delayMs, error }) =>
            logger.warn(
              { model: description, retry, delayMs, error: describeError(error) },
              'retrying transcription',
            ),
        },
      ),
    dispose: model.dispose ? () => model.dispose!() : undefined,
  };
}
