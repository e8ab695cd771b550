import type { RateLimiter } from '../middleware/rate-limit.js';

/**
 * How core talks to a language model: the one home of these settings and their defaults. Used by
 * `generateStructured`, the analyze stage (`createPipeline({ modelSettings })`) and the executive summary.
 */
export interface LanguageModelSettings {
  /** Re-asks that show the model its own answer and the validation errors. */
  maxRepairAttempts?: number;
  /** Retries of retryable API errors (429, 5xx, network), with backoff honouring retry-after. */
  maxRetries?: number;
  /** Per request → TimeoutError. Time spent queued in `rateLimiter` does not count. */
  timeoutMs?: number;
  temperature?: number;
  maxOutputTokens?: number;
  /**
   * Shares a concurrency and tokens-per-minute budget between every request that is given the same
   * limiter (`createRateLimiter`), e.g. all calls of a batch or all pipelines of a worker.
   */
  rateLimiter?: RateLimiter;
}

/**
 * Defaults: two repairs and four retries bound the cost of a misbehaving model to seven requests; a full
 * call analysis is a long answer, so two minutes per request; temperature 0 so the same call gets the
 * same analysis.
 */
export const LANGUAGE_MODEL_DEFAULTS = {
  maxRepairAttempts: 2,
  maxRetries: 4,
  timeoutMs: 120_000,
  temperature: 0,
} as const satisfies LanguageModelSettings;
