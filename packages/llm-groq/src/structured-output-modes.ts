/**
 * How a Groq model is asked for JSON. Groq's constrained decoding (`strict: true`) exists only on some
 * models, best-effort `json_schema` on a few more, and the rest have only JSON mode (`json_object`), where
 * the schema travels in the system prompt. See console.groq.com/docs/structured-outputs.
 */
import type { StructuredOutputMode } from '@echolens/provider';

/** The structured-output modes Groq's models accept (the OpenAI-compatible three). */
export type GroqStructuredOutputMode = StructuredOutputMode;

const STRICT_MODELS = [/^openai\/gpt-oss-/];
const JSON_SCHEMA_MODELS = [/^moonshotai\/kimi-k2/, /^meta-llama\/llama-4-/];

/** The best mode Groq documents for `modelId`; unknown models get JSON mode, which every chat model has. */
export function defaultStructuredOutputMode(modelId: string): GroqStructuredOutputMode {
  if (STRICT_MODELS.some((pattern) => pattern.test(modelId))) return 'strict';
  if (JSON_SCHEMA_MODELS.some((pattern) => pattern.test(modelId))) return 'json_schema';
  return 'json_object';
}

/** Groq's 400 for a model that does not support the `json_schema` response format. */
export function isJsonSchemaUnsupported(error: unknown): boolean {
  const failure = error as { status?: number; message?: string };
  return (
    failure.status === 400 &&
    /json_schema/i.test(failure.message ?? '') &&
    /support/i.test(failure.message ?? '')
  );
}

/**
 * Groq's 400 `json_validate_failed`: the model's output in JSON mode was not valid JSON. The failed text is
 * an answer to repair, not an API failure, so it is returned as the model's text.
 */
export function failedGeneration(error: unknown): string | undefined {
  const failure = error as {
    status?: number;
    error?: { error?: { code?: string; failed_generation?: unknown } };
  };
  // groq-sdk keeps the whole response body on `error`.
  const details = failure.error?.error;
  if (failure.status !== 400 || details?.code !== 'json_validate_failed') return undefined;
  return typeof details.failed_generation === 'string' ? details.failed_generation : '';
}
