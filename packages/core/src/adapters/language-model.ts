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
   * True when requests never leave this machine (e.g. Ollama on localhost). Core redacts personal data
   * from everything sent to a model that does not run locally.
   */
  readonly runsLocally?: boolean;
  /** USD per million tokens, for cost estimates; absent for local or unknown models. */
  readonly pricing?: { inputPerMillion: number; outputPerMillion: number };
  generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult>;
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
}
