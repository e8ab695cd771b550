/**
 * The contract every language-model backend implements. Adapters translate one request into their
 * vendor's structured-output call and map vendor errors into `APICallError`; validation, repair,
 * retries, timeouts, rate limits and caching are core's job (see `analyze/`).
 */
export interface LanguageModel {
  readonly specificationVersion: 'v1';
  /** e.g. `openai`, `groq`, `ollama`. */
  readonly provider: string;
  readonly modelId: string;
  /**
   * True only when the model runs inside this process, so no text ever leaves it. Anything reached over
   * a network, even on 127.0.0.1 (a proxy or tunnel may forward it), is not: core redacts personal data
   * before such requests unless the user turns redaction off.
   */
  readonly runsInProcess?: boolean;
  /** USD per million tokens, for cost estimates; `{ 0, 0 }` for free local models, absent when unknown. */
  readonly pricing?: ModelPricing;
  /**
   * Whatever else changes the answers for the same prompt and modelId (a base URL serving another model
   * under the same name, a fine-tune); part of the analysis cache key.
   */
  readonly cacheKey?: string;
  generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult>;
  /**
   * Checks, without a billable request, that the model can be used before a batch starts: credentials
   * present (`ConfigurationError` naming the variable), the endpoint reachable and the model known to it
   * (`APICallError`, or `ConfigurationError` with what to do, e.g. `ollama pull <model>`). Optional: a
   * model without it is simply tried at the first call.
   */
  preflight?(options?: { signal?: AbortSignal }): Promise<void>;
}

/** A JSON Schema (draft 2020-12 subset) describing the expected object. */
export type JsonSchema = Record<string, unknown>;

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface GenerateObjectOptions {
  system: string;
  /** The conversation so far: the request, and on repair attempts the previous answer and its errors. */
  messages: ChatMessage[];
  jsonSchema: JsonSchema;
  /** Short identifier for the schema (vendors require one for strict structured output). */
  schemaName: string;
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface LanguageModelUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateObjectResult {
  /** The raw text of the answer; core parses and validates it. */
  text: string;
  usage: LanguageModelUsage;
  finishReason?: 'stop' | 'length' | 'content-filter' | 'error' | 'other';
  /** The vendor's response body, for debugging. */
  raw?: unknown;
  /**
   * The model that produced this answer when it is not the one asked: wrappers such as core's
   * `withFallback` set it, so costs, caching and provenance follow the model that actually answered.
   */
  answeredBy?: ModelReference;
}

/** USD per million tokens. */
export interface ModelPricing {
  inputPerMillion: number;
  outputPerMillion: number;
}

/** Identifies the model behind an answer (see `answeredBy`). */
export interface ModelReference {
  provider: string;
  modelId: string;
  /** True when a fallback model answered instead of the primary. */
  fallback: boolean;
  cacheKey?: string;
  pricing?: ModelPricing;
  runsInProcess?: boolean;
}
