import type {
  ChatMessage,
  GenerateObjectResult,
  LanguageModel,
  LanguageModelUsage,
  ModelReference,
} from '@echolens/provider';
import { describeError, type Logger, scrubSecrets, silentLogger, throwIfAborted } from '@echolens/provider';
import type { z } from 'zod';
import { estimateRequestTokens } from '../middleware/rate-limit.js';
import { retryWithBackoff } from '../middleware/retry.js';
import { runWithTimeout } from '../middleware/timeout.js';
import { LANGUAGE_MODEL_DEFAULTS, type LanguageModelSettings } from './model-settings.js';
import { parseJsonAnswer } from './parse-json-answer.js';
import { dropNullsForOptionalProperties, prepareStructuredSchema } from './strict-json-schema.js';
import { StructuredOutputError } from './structured-output-error.js';

/** Settings not given here take `LANGUAGE_MODEL_DEFAULTS`. */
export interface GenerateStructuredOptions<T> extends LanguageModelSettings {
  model: LanguageModel;
  system: string;
  prompt: string;
  schema: z.ZodType<T>;
  /** Short identifier for the schema (letters, digits, `_`, `-`); vendors require one. */
  schemaName: string;
  /** Abort → AbortError, promptly, even mid-request, mid-backoff and while queued. */
  signal?: AbortSignal;
  /** Retries and repairs are logged at `warn`. Silent by default. */
  logger?: Logger;
  /**
   * Called once per request sent, with the usage when the model answered (even an answer later rejected),
   * so a caller can account for what a call cost even when `generateStructured` ends up throwing.
   */
  onRequestSettled?: (outcome: { usage?: LanguageModelUsage; error?: unknown }) => void;
}

export interface GenerateStructuredResult<T> {
  object: T;
  /** Summed over every request, including the rejected answers that were repaired. */
  usage: LanguageModelUsage;
  /** Requests sent, counting retried and repaired ones. */
  requests: number;
  repairs: number;
  retries: number;
  /** The model that produced the accepted answer (differs from `model` behind `withFallback`). */
  answeredBy: ModelReference;
}

interface ValidationFailure {
  issues: { path: string; message: string }[];
  value?: unknown;
}

/** The most validation issues shown to a model in one repair request; more only adds tokens. */
const MAX_ISSUES_IN_REPAIR = 20;

/**
 * Asks `model` for an object matching `schema`, and owns everything between the request and a valid
 * object: the strict JSON Schema sent, per-request timeouts, retries with backoff on retryable API errors,
 * parsing, zod validation, and up to `maxRepairAttempts` repair requests that show the model its answer
 * and what was wrong with it. Throws `StructuredOutputError` (a SchemaValidationError) after the repair
 * bound, `TimeoutError`, `AbortError`, or the adapter's last `APICallError`.
 */
export async function generateStructured<T>(
  options: GenerateStructuredOptions<T>,
): Promise<GenerateStructuredResult<T>> {
  const { model, schema, schemaName, signal } = options;
  const settings = { ...LANGUAGE_MODEL_DEFAULTS, ...withoutUndefined(options) };
  const maxRepairAttempts = settings.maxRepairAttempts;
  const logger = options.logger ?? silentLogger;
  throwIfAborted(signal);
  const { strict, original } = prepareStructuredSchema(schema, schemaName);
  const messages: ChatMessage[] = [{ role: 'user', content: options.prompt }];
  const usage: LanguageModelUsage = { inputTokens: 0, outputTokens: 0 };
  const counts = { requests: 0, repairs: 0, retries: 0 };
  const description = `${model.provider}/${model.modelId}`;

  const requestOnce = async (): Promise<GenerateObjectResult> => {
    const request = {
      system: options.system,
      messages: [...messages],
      jsonSchema: strict,
      schemaName,
      temperature: settings.temperature,
      maxOutputTokens: settings.maxOutputTokens,
    };
    const lease = await settings.rateLimiter?.acquire(estimateRequestTokens(request), signal);
    counts.requests++;
    let result: GenerateObjectResult | undefined;
    try {
      result = await runWithTimeout(
        (requestSignal) => model.generateObject({ ...request, signal: requestSignal }),
        {
          timeoutMs: settings.timeoutMs,
          signal,
          description,
        },
      );
      options.onRequestSettled?.({ usage: result.usage });
      return result;
    } catch (error) {
      options.onRequestSettled?.({ error });
      throw error;
    } finally {
      lease?.release(result?.usage);
    }
  };

  let lastFailure: (ValidationFailure & { text: string; finishReason?: string }) | undefined;
  for (let attempt = 0; attempt <= maxRepairAttempts; attempt++) {
    const answer = await retryWithBackoff(requestOnce, {
      maxRetries: settings.maxRetries,
      signal,
      onRetry: ({ retry, delayMs, error }) => {
        counts.retries++;
        logger.warn(
          { model: description, retry, delayMs, error: describeError(error) },
          'retrying language model request',
        );
      },
    });
    usage.inputTokens += answer.usage?.inputTokens ?? 0;
    usage.outputTokens += answer.usage?.outputTokens ?? 0;
    // A proxy or a prompt-injected model may echo the API key: it must not reach parse errors, logs,
    // the repair request, the StructuredOutputError or the result.
    const text = scrubSecrets(typeof answer.text === 'string' ? answer.text : '');
    const outcome = validateAnswer(text, schema, original);
    if (outcome.success) {
      return { object: outcome.data, usage, ...counts, answeredBy: answeredByOf(model, answer) };
    }
    lastFailure = { ...outcome.failure, text, finishReason: answer.finishReason };
    logger.warn(
      { model: description, attempt, issues: outcome.failure.issues.slice(0, 5) },
      `language model answer does not match schema "${schemaName}"`,
    );
    if (attempt < maxRepairAttempts) {
      counts.repairs++;
      messages.push(
        { role: 'assistant', content: text },
        { role: 'user', content: repairInstruction(schemaName, outcome.failure.issues, answer.finishReason) },
      );
    }
  }
  const failure = lastFailure as ValidationFailure & { text: string; finishReason?: string };
  const summary = failure.issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  throw new StructuredOutputError(
    `${description} gave no valid "${schemaName}" object after ${counts.requests} request(s) and ${counts.repairs} repair(s): ${summary}`,
    { ...failure, usage, ...counts },
  );
}

type ValidationOutcome<T> = { success: true; data: T } | { success: false; failure: ValidationFailure };

function validateAnswer<T>(
  text: string,
  schema: z.ZodType<T>,
  original: Record<string, unknown>,
): ValidationOutcome<T> {
  const parsed = parseJsonAnswer(text);
  if (!parsed.ok) return { success: false, failure: { issues: [{ path: '(root)', message: parsed.error }] } };
  const value = dropNullsForOptionalProperties(parsed.value, original);
  const validated = schema.safeParse(value);
  if (validated.success) return { success: true, data: validated.data };
  const issues = validated.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
  return { success: false, failure: { issues, value } };
}

/** `["turns", 3, "quote"]` → `turns[3].quote`, the way a model reads a location in JSON. */
export function formatPath(path: readonly PropertyKey[]): string {
  let formatted = '';
  for (const key of path) {
    if (typeof key === 'number') formatted += `[${key}]`;
    else formatted += formatted ? `.${String(key)}` : String(key);
  }
  return formatted || '(root)';
}

function repairInstruction(
  schemaName: string,
  issues: { path: string; message: string }[],
  finishReason: string | undefined,
): string {
  const listed = issues.slice(0, MAX_ISSUES_IN_REPAIR).map((issue) => `- ${issue.path}: ${issue.message}`);
  if (issues.length > MAX_ISSUES_IN_REPAIR)
    listed.push(`- … and ${issues.length - MAX_ISSUES_IN_REPAIR} more`);
  const truncated =
    finishReason === 'length'
      ? 'Your previous answer was cut off at the output limit; keep every text field shorter this time.\n'
      : '';
  return (
    `${truncated}Your previous answer is not a valid "${schemaName}" object. Validation errors:\n${listed.join('\n')}\n` +
    'Answer again with the complete, corrected JSON object only: no explanation, no Markdown.'
  );
}

function answeredByOf(model: LanguageModel, answer: GenerateObjectResult): ModelReference {
  return (
    answer.answeredBy ?? {
      provider: model.provider,
      modelId: model.modelId,
      fallback: false,
      ...(model.cacheKey !== undefined ? { cacheKey: model.cacheKey } : {}),
      ...(model.pricing ? { pricing: model.pricing } : {}),
      ...(model.runsInProcess !== undefined ? { runsInProcess: model.runsInProcess } : {}),
    }
  );
}

/** Options given as `undefined` must not erase a default. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
