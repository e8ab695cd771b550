import {
  APICallError,
  type ClientErrorClasses,
  findModelPricing,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  jsonSchemaInstructions,
  type LanguageModel,
  loadApiKey,
  loadOptionalApiKey,
  type ModelPricing,
  mapClientError,
  mapOpenAIFinishReason,
  throwIfAborted,
} from '@echolens/provider';
import OpenAI from 'openai';
import { OPENAI_PRICING } from './pricing.js';

const CLIENT_ERROR_CLASSES: ClientErrorClasses = {
  abort: OpenAI.APIUserAbortError,
  timeout: OpenAI.APIConnectionTimeoutError,
  connection: OpenAI.APIConnectionError,
  http: OpenAI.APIError,
};

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderSettings {
  /** Default: the `OPENAI_API_KEY` environment variable, read at the first request. */
  apiKey?: string;
  /**
   * Any OpenAI-compatible endpoint: `https://openrouter.ai/api/v1`, a vLLM or LM Studio server
   * (`http://127.0.0.1:8000/v1`). Default: `OPENAI_BASE_URL`, else OpenAI's.
   */
  baseURL?: string;
  organization?: string;
  project?: string;
  /** Custom fetch (proxies, tests). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers on every request (e.g. OpenRouter's `HTTP-Referer`). */
  headers?: Record<string, string>;
  /** Reported as the model's `provider`; default `openai`, or `openai-compatible` with a custom baseURL. */
  name?: string;
}

/**
 * How the JSON schema is passed: `strict` (`json_schema` with `strict: true`, constrained decoding; OpenAI
 * and most compatible servers), `json_schema` (best-effort schema), or `json_object` (JSON mode with the
 * schema in the system prompt, for servers without structured outputs).
 */
export type StructuredOutputMode = 'strict' | 'json_schema' | 'json_object';

export interface OpenAIChatSettings {
  structuredOutputs?: StructuredOutputMode;
  /**
   * USD per million tokens; default from `OPENAI_PRICING` for OpenAI's own models, else unknown (give
   * `{ inputPerMillion: 0, outputPerMillion: 0 }` for a server of your own).
   */
  pricing?: ModelPricing;
  /**
   * The output-limit parameter: OpenAI's reasoning models accept only `max_completion_tokens`, while some
   * compatible servers know only `max_tokens`. Default: the former for OpenAI, the latter elsewhere.
   */
  maxTokensParameter?: 'max_completion_tokens' | 'max_tokens';
}

export type OpenAIProvider = ((modelId: string, settings?: OpenAIChatSettings) => LanguageModel) & {
  chat(modelId: string, settings?: OpenAIChatSettings): LanguageModel;
};

/** Creates an OpenAI (or OpenAI-compatible) provider: `createOpenAI({ baseURL })('gpt-4o-mini')`. */
export function createOpenAI(settings: OpenAIProviderSettings = {}): OpenAIProvider {
  let client: OpenAI | undefined;
  const baseURL = settings.baseURL ?? process.env.OPENAI_BASE_URL ?? OPENAI_BASE_URL;
  const isOpenAI = new URL(baseURL).hostname === 'api.openai.com';
  const provider = settings.name ?? (isOpenAI ? 'openai' : 'openai-compatible');
  const keySource = { apiKey: settings.apiKey, environmentVariableName: 'OPENAI_API_KEY' };
  /** For scrubbing error messages: never throws. */
  const knownKey = () => loadOptionalApiKey(keySource);

  const getClient = (): OpenAI => {
    if (client) return client;
    // OpenAI itself needs a key; compatible servers often do not.
    const key = isOpenAI
      ? loadApiKey({ ...keySource, description: 'OpenAI', factoryName: 'createOpenAI' })
      : knownKey();
    client = new OpenAI({
      // Local OpenAI-compatible servers usually need no key, but the client insists on one.
      apiKey: key || 'no-key',
      baseURL,
      organization: settings.organization ?? null,
      project: settings.project ?? null,
      fetch: settings.fetch,
      defaultHeaders: settings.headers,
      // Core retries (with retry-after honoured and counted); the client must not multiply them.
      maxRetries: 0,
    });
    return client;
  };

  const createChatModel = (modelId: string, chatSettings: OpenAIChatSettings = {}): LanguageModel => {
    const mode = chatSettings.structuredOutputs ?? 'strict';
    const maxTokensParameter =
      chatSettings.maxTokensParameter ?? (isOpenAI ? 'max_completion_tokens' : 'max_tokens');
    return {
      specificationVersion: 'v1',
      provider,
      modelId,
      ...pricingOf(
        chatSettings.pricing ?? (isOpenAI ? findModelPricing(OPENAI_PRICING, modelId) : undefined),
      ),
      // Another server behind the same model name answers differently: keep their cache entries apart.
      ...(isOpenAI ? {} : { cacheKey: baseURL }),
      async generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult> {
        throwIfAborted(options.signal);
        const openAIClient = getClient();
        const system =
          mode === 'json_object'
            ? `${options.system}\n\n${jsonSchemaInstructions(options.jsonSchema, options.schemaName)}`
            : options.system;
        const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
          model: modelId,
          messages: [{ role: 'system', content: system }, ...options.messages],
          response_format:
            mode === 'json_object'
              ? { type: 'json_object' }
              : {
                  type: 'json_schema',
                  json_schema: {
                    name: options.schemaName,
                    schema: options.jsonSchema,
                    strict: mode === 'strict',
                  },
                },
        };
        if (options.temperature !== undefined) body.temperature = options.temperature;
        if (options.maxOutputTokens !== undefined) body[maxTokensParameter] = options.maxOutputTokens;
        try {
          const completion = await openAIClient.chat.completions.create(body, { signal: options.signal });
          return toResult(completion, provider, modelId);
        } catch (error) {
          throw mapClientError(error, {
            errorClasses: CLIENT_ERROR_CLASSES,
            provider,
            modelId,
            secrets: [knownKey()],
            signal: options.signal,
          });
        }
      },
    };
  };

  return Object.assign(createChatModel, { chat: createChatModel });
}

/** The default provider: OpenAI's API, key from `OPENAI_API_KEY`. */
export const openai: OpenAIProvider = createOpenAI();

function toResult(
  completion: OpenAI.Chat.ChatCompletion,
  provider: string,
  modelId: string,
): GenerateObjectResult {
  const choice = completion.choices?.[0];
  if (!choice) {
    // A 200 without a choice comes from an overloaded or misbehaving proxy; another attempt may do better.
    throw new APICallError(`${provider} (${modelId}) answered without any choice`, {
      provider,
      isRetryable: true,
      responseBody: JSON.stringify(completion).slice(0, 2000),
    });
  }
  const refused = Boolean(choice.message.refusal);
  return {
    text: choice.message.content ?? '',
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
    finishReason: refused ? 'content-filter' : mapOpenAIFinishReason(choice.finish_reason),
    raw: completion,
  };
}

function pricingOf(pricing: ModelPricing | undefined): { pricing?: ModelPricing } {
  return pricing ? { pricing } : {};
}
