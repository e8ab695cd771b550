export {
  createRateLimiter,
  estimateRequestTokens,
  type RateLimiter,
  type RateLimitLease,
  type RateLimitOptions,
  rateLimitOf,
  withRateLimit,
} from '../middleware/rate-limit.js';
export {
  isRetryableAPICallError,
  MAX_HONOURED_RETRY_AFTER_MS,
  type RetryInfo,
  type RetryOptions,
  retryWithBackoff,
  sleep,
} from '../middleware/retry.js';
export { runWithTimeout, type TimeoutOptions } from '../middleware/timeout.js';
export { estimateCostUsd, findModelPricing, type ModelPricing } from './cost.js';
export {
  type AnsweredBy,
  formatPath,
  type GenerateStructuredOptions,
  type GenerateStructuredResult,
  generateStructured,
} from './generate-structured.js';
export { type ParsedAnswer, parseJsonAnswer } from './parse-json-answer.js';
export { jsonSchemaInstructions } from './schema-instructions.js';
export { acceptsNull, dropNullsForOptionalProperties, toStrictJsonSchema } from './strict-json-schema.js';
export { StructuredOutputError, type StructuredOutputErrorOptions } from './structured-output-error.js';
