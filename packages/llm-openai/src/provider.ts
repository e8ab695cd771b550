import {
  APICallError,
  chatCompletionsStructuredOutput,
  findModelPricing,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  type HostedProviderSettings,
  type LanguageModel,
  loadApiKey,
  loadOptionalApiKey,
  type ModelPricing,
  mapClientError,
  mapOpenAIFinishReason,
  registerSecrets,
  requireListedModel,
  type StructuredOutputMode,
  secretHeaderValues,
  stainlessErrorClasses,
  throwIfAborted,
} from '@echolens/provider';
import OpenAI from 'openai';
import { OPENAI_PRICING } from './pricing.js';

const CLIENT_ERROR_CLASSES = stainlessErrorClasses(OpenAI);

const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIProviderSettings extends HostedProviderSettings {
  /**
   * Any OpenAI-compatible endpoint: `https://openrouter.ai/api/v1`, a vLLM or LM Studio server
   * (`http://127.0.0.1:8000/v1`). Default: `OPENAI_BASE_URL`, else OpenAI's. The key defaults to `OPENAI_API_KEY`.
   */
  baseURL?: string;
  organization?: string;
  project?: string;
  /** Reported as the model's `provider`; default `openai`, or `openai-compatible` with a custom baseURL. */
  name?: string;
}

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
  registerSecrets(...secretHeaderValues(settings.headers));

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
      async preflight(options = {}) {
        throwIfAborted(options.signal);
        const ids: string[] = [];
        try {
          for await (const model of getClient().models.list({ signal: options.signal })) ids.push(model.id);
        } catch (error) {
          // Some compatible servers have no model list; a missing endpoint is not a failure.
          if (error instanceof OpenAI.NotFoundError) return;
          throw mapClientError(error, {
            errorClasses: CLIENT_ERROR_CLASSES,
            provider,
            modelId,
            secrets: [knownKey()],
            signal: options.signal,
          });
        }
        requireListedModel(ids, modelId, { provider, endpoint: baseURL });
      },
      async generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult> {
        throwIfAborted(options.signal);
        const openAIClient = getClient();
        const { system, responseFormat } = chatCompletionsStructuredOutput(options, mode);
        const body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = {
          model: modelId,
          messages: [{ role: 'system', content: system }, ...options.messages],
          response_format: responseFormat,
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
