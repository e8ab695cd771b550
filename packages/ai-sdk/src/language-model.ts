import type {
  LanguageModelV2,
  LanguageModelV2CallOptions,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV4,
  LanguageModelV4CallOptions,
} from '@ai-sdk/provider';
import {
  type FinishReason,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  jsonSchemaInstructions,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelPricing,
  throwIfAborted,
} from '@echolens/provider';
import { type AISDKModelSettings, createAdapter } from './adapter.js';

/** What the AI SDK's provider packages return: `openai('gpt-4o-mini')`, `groq('…')`, `anthropic('…')`… */
export type AISDKLanguageModel = LanguageModelV2 | LanguageModelV3 | LanguageModelV4;

export interface AISDKLanguageModelSettings extends AISDKModelSettings {
  /** USD per million tokens, for cost estimates; unknown (no estimate) when absent. */
  pricing?: ModelPricing;
  /**
   * Also put the JSON schema into the system prompt, for a model that takes no schema in its request.
   * Default off; switched on by itself once the model warns that it ignored the schema.
   */
  schemaInPrompt?: boolean;
}

/**
 * An AI SDK language model as an EchoLens `LanguageModel`: `fromAISDK(openai('gpt-4o-mini'))`.
 *
 * Each `generateObject` is one spec-level `doGenerate` call with `responseFormat: { type: 'json', schema,
 * name }`, so the provider uses its own structured-output mode; the answer's text, usage and finish reason
 * come back as they are, and validation, repair, retries, timeouts and caching stay core's. Errors become
 * EchoLens errors (see `mapAISDKError`). Specification versions v2, v3 and v4 (AI SDK 5, 6 and 7).
 */
export function fromAISDK(
  model: AISDKLanguageModel,
  settings: AISDKLanguageModelSettings = {},
): LanguageModel {
  const adapter = createAdapter(model, settings, 'fromAISDK', 'language model');
  let schemaInPrompt = settings.schemaInPrompt ?? false;

  return {
    specificationVersion: 'v1',
    ...adapter.identity,
    ...(settings.pricing ? { pricing: settings.pricing } : {}),
    async generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult> {
      throwIfAborted(options.signal);
      const system = schemaInPrompt
        ? `${options.system}\n\n${jsonSchemaInstructions(options.jsonSchema, options.schemaName)}`
        : options.system;
      const callOptions: CallOptions = {
        prompt: [
          { role: 'system', content: system },
          ...options.messages.map((message) => ({
            role: message.role,
            content: [{ type: 'text' as const, text: message.content }],
          })),
        ],
        responseFormat: { type: 'json', schema: options.jsonSchema, name: options.schemaName },
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
        ...(settings.providerOptions ? { providerOptions: settings.providerOptions } : {}),
        abortSignal: options.signal,
      };
      const result = await adapter.call<GenerateResult>(options.signal, () => model.doGenerate(callOptions));
      adapter.reportWarnings(result.warnings);
      if (!schemaInPrompt && result.warnings.some(ignoresSchema)) {
        // Without the schema the model can only guess the shape; core would repair guess after guess.
        schemaInPrompt = true;
        adapter.logger.warn(
          `${adapter.subject} ignored the JSON schema; it goes into the system prompt from the next request on`,
        );
      }
      return {
        text: answerText(result),
        usage: usageOf(result.usage),
        finishReason: finishReasonOf(result.finishReason),
        raw: result.response?.body ?? result.content,
      };
    },
  };
}

/** One object every specification version accepts (their prompt and options agree on what is used here). */
type CallOptions = LanguageModelV2CallOptions & LanguageModelV3CallOptions & LanguageModelV4CallOptions;
type GenerateResult = Awaited<ReturnType<AISDKLanguageModel['doGenerate']>>;

/** v2 `{ type: 'unsupported-setting', setting }`, v3 and v4 `{ type: 'unsupported', feature }`. */
function ignoresSchema(warning: unknown): boolean {
  const { type, setting, feature } = (warning ?? {}) as Record<string, unknown>;
  return (
    (type === 'unsupported-setting' && setting === 'responseFormat') ||
    (type === 'unsupported' && feature === 'responseFormat')
  );
}

/** v4 may name the text to parse (`structuredOutputText`); otherwise it is all the text parts, in order. */
function answerText(result: GenerateResult): string {
  if ('structuredOutputText' in result && typeof result.structuredOutputText === 'string') {
    return result.structuredOutputText;
  }
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** v2 counts tokens as numbers; v3 and v4 as `{ total, … }` breakdowns. Unreported counts are 0. */
function usageOf(usage: GenerateResult['usage']): LanguageModelUsage {
  const count = (tokens: number | { total: number | undefined } | undefined) =>
    (typeof tokens === 'number' ? tokens : tokens?.total) ?? 0;
  return { inputTokens: count(usage.inputTokens), outputTokens: count(usage.outputTokens) };
}

/** v2 gives the unified reason as a string; v3 and v4 as `{ unified, raw }`. */
function finishReasonOf(reason: GenerateResult['finishReason']): FinishReason {
  const unified = typeof reason === 'string' ? reason : reason.unified;
  switch (unified) {
    case 'stop':
    case 'length':
    case 'content-filter':
    case 'error':
      return unified;
    default:
      // tool-calls, interrupted, unknown, other: none of them is an answer cut off at the output limit.
      return 'other';
  }
}
