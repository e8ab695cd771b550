import {
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
  requireListedModel,
  stainlessErrorClasses,
  throwIfAborted,
} from '@echolens/provider';
import Groq from 'groq-sdk';
import type { ChatCompletionCreateParamsNonStreaming } from 'groq-sdk/resources/chat/completions';
import { GROQ_PRICING } from './pricing.js';
import {
  defaultStructuredOutputMode,
  failedGeneration,
  type GroqStructuredOutputMode,
  isJsonSchemaUnsupported,
} from './structured-output-modes.js';

const CLIENT_ERROR_CLASSES = stainlessErrorClasses(Groq);

export interface GroqProviderSettings extends HostedProviderSettings {
  /** Default `https://api.groq.com` (the client adds `/openai/v1/…`). The key defaults to `GROQ_API_KEY`. */
  baseURL?: string;
}

export interface GroqChatSettings {
  /** Default: the best mode Groq documents for the model (see `defaultStructuredOutputMode`). */
  structuredOutputs?: GroqStructuredOutputMode;
  /** USD per million tokens; default from `GROQ_PRICING`. */
  pricing?: ModelPricing;
}

export type GroqProvider = ((modelId: string, settings?: GroqChatSettings) => LanguageModel) & {
  chat(modelId: string, settings?: GroqChatSettings): LanguageModel;
};

const PROVIDER = 'groq';

/** Creates a Groq provider: `createGroq({ apiKey })('openai/gpt-oss-20b')`. */
export function createGroq(settings: GroqProviderSettings = {}): GroqProvider {
  let client: Groq | undefined;
  const keySource = { apiKey: settings.apiKey, environmentVariableName: 'GROQ_API_KEY' };
  /** For scrubbing error messages: never throws. */
  const knownKey = () => loadOptionalApiKey(keySource);
  const getClient = (): Groq => {
    if (client) return client;
    client = new Groq({
      apiKey: loadApiKey({ ...keySource, description: 'Groq', factoryName: 'createGroq' }),
      baseURL: settings.baseURL,
      fetch: settings.fetch,
      defaultHeaders: settings.headers,
      // Core retries (with retry-after honoured and counted); the client must not multiply them.
      maxRetries: 0,
    });
    return client;
  };

  const createChatModel = (modelId: string, chatSettings: GroqChatSettings = {}): LanguageModel => {
    // Learned once per model: Groq rejects json_schema on models without it, and the model list says nothing.
    let mode = chatSettings.structuredOutputs ?? defaultStructuredOutputMode(modelId);

    const send = async (options: GenerateObjectOptions): Promise<GenerateObjectResult> => {
      const { system, responseFormat } = chatCompletionsStructuredOutput(options, mode);
      const body: ChatCompletionCreateParamsNonStreaming = {
        model: modelId,
        messages: [{ role: 'system', content: system }, ...options.messages],
        response_format: responseFormat,
        stream: false,
      };
      if (options.temperature !== undefined) body.temperature = options.temperature;
      if (options.maxOutputTokens !== undefined) body.max_completion_tokens = options.maxOutputTokens;
      const completion = await getClient().chat.completions.create(body, { signal: options.signal });
      const choice = completion.choices[0];
      return {
        text: choice?.message.content ?? '',
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        },
        finishReason: mapOpenAIFinishReason(choice?.finish_reason),
        raw: completion,
      };
    };

    return {
      specificationVersion: 'v1',
      provider: PROVIDER,
      modelId,
      ...pricingOf(chatSettings.pricing ?? findModelPricing(GROQ_PRICING, modelId)),
      async preflight(options = {}) {
        throwIfAborted(options.signal);
        let ids: string[];
        try {
          const page = await getClient().models.list({ signal: options.signal });
          ids = page.data.map((model) => model.id);
        } catch (error) {
          throw mapClientError(error, {
            errorClasses: CLIENT_ERROR_CLASSES,
            provider: PROVIDER,
            modelId,
            secrets: [knownKey()],
            signal: options.signal,
          });
        }
        requireListedModel(ids, modelId, {
          provider: PROVIDER,
          endpoint: settings.baseURL ?? 'https://api.groq.com',
        });
      },
      async generateObject(options) {
        throwIfAborted(options.signal);
        try {
          try {
            return await send(options);
          } catch (error) {
            if (mode === 'json_object' || !isJsonSchemaUnsupported(error)) throw error;
            mode = 'json_object';
            return await send(options);
          }
        } catch (error) {
          const failedText = failedGeneration(error);
          if (failedText !== undefined && !options.signal?.aborted) {
            // Groq bills nothing it reports for these; the repair loop gets the text it could not parse.
            return {
              text: failedText,
              usage: { inputTokens: 0, outputTokens: 0 },
              finishReason: 'error',
              raw: error,
            };
          }
          throw mapClientError(error, {
            errorClasses: CLIENT_ERROR_CLASSES,
            provider: PROVIDER,
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

/** The default provider: Groq's API, key from `GROQ_API_KEY`. */
export const groq: GroqProvider = createGroq();

function pricingOf(pricing: ModelPricing | undefined): { pricing?: ModelPricing } {
  return pricing ? { pricing } : {};
}
