import {
  createAPICallError,
  type GenerateObjectOptions,
  type GenerateObjectResult,
  type LanguageModel,
  mapClientError,
  mapOpenAIFinishReason,
  registerSecrets,
  requireListedModel,
  secretHeaderValues,
  throwIfAborted,
} from '@echolens/provider';
import { Ollama } from 'ollama';

const DEFAULT_BASE_URL = 'http://127.0.0.1:11434';
const PROVIDER = 'ollama';

export interface OllamaProviderSettings {
  /**
   * The Ollama server, e.g. `http://gpu-box:11434` (named `baseURL` like every EchoLens factory). Default:
   * the `OLLAMA_HOST` environment variable, else `http://127.0.0.1:11434`.
   */
  baseURL?: string;
  fetch?: typeof globalThis.fetch;
  /** Extra headers, e.g. `Authorization` for an Ollama behind an authenticating proxy. */
  headers?: Record<string, string>;
}

export interface OllamaChatSettings {
  /** How long Ollama keeps the model loaded after the request (`5m`, `-1` for ever). */
  keepAlive?: string | number;
  /** Context window in tokens; Ollama's default (2048–4096) truncates a long call transcript silently. */
  contextLength?: number;
  /** For thinking models (qwen3, gpt-oss): whether to think before answering. */
  think?: boolean;
}

export type OllamaProvider = ((modelId: string, settings?: OllamaChatSettings) => LanguageModel) & {
  chat(modelId: string, settings?: OllamaChatSettings): LanguageModel;
};

/** Creates an Ollama provider: `createOllama()('llama3.2')`. */
export function createOllama(settings: OllamaProviderSettings = {}): OllamaProvider {
  const host = settings.baseURL ?? process.env.OLLAMA_HOST ?? DEFAULT_BASE_URL;
  const headers = settings.headers ?? {};
  const secrets = Object.values(headers);
  registerSecrets(...secretHeaderValues(headers));

  /**
   * Runs one request on a client whose fetch carries the signal (the ollama client takes no per-request
   * signal for non-streamed calls) and reads error responses itself, with their headers; anything thrown
   * becomes core's error.
   */
  const request = async <T>(
    modelId: string,
    signal: AbortSignal | undefined,
    call: (client: Ollama) => Promise<T>,
  ): Promise<T> => {
    throwIfAborted(signal);
    const client = new Ollama({
      host,
      headers,
      fetch: signalledFetch(settings.fetch ?? globalThis.fetch, signal, modelId, secrets),
    });
    try {
      return await call(client);
    } catch (error) {
      throw mapClientError(error, {
        // fetch rejects with a TypeError when the server cannot be reached; HTTP errors are mapped in signalledFetch.
        errorClasses: { connection: TypeError },
        provider: PROVIDER,
        modelId,
        secrets,
        signal,
      });
    }
  };

  const createChatModel = (modelId: string, chatSettings: OllamaChatSettings = {}): LanguageModel => ({
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    // Ollama bills nothing per token. It still runs in another process (often on another machine), so
    // personal data is redacted before it unless the user trusts the endpoint (redaction 'off').
    pricing: { inputPerMillion: 0, outputPerMillion: 0 },
    cacheKey: host,
    async preflight(options = {}) {
      const listed = await request(modelId, options.signal, (client) => client.list());
      requireListedModel(
        listed.models.map((model) => model.name),
        modelId,
        {
          provider: PROVIDER,
          endpoint: host,
          advice: `pull it first: ollama pull ${modelId}`,
        },
      );
    },
    async generateObject(options: GenerateObjectOptions): Promise<GenerateObjectResult> {
      const response = await request(modelId, options.signal, (client) =>
        client.chat({
          model: modelId,
          messages: [{ role: 'system', content: options.system }, ...options.messages],
          format: options.jsonSchema,
          stream: false,
          think: chatSettings.think,
          keep_alive: chatSettings.keepAlive,
          options: {
            temperature: options.temperature,
            num_predict: options.maxOutputTokens,
            num_ctx: chatSettings.contextLength,
          },
        }),
      );
      return {
        text: response.message?.content ?? '',
        // Ollama leaves prompt_eval_count out when the whole prompt came from its cache.
        usage: { inputTokens: response.prompt_eval_count ?? 0, outputTokens: response.eval_count ?? 0 },
        finishReason: mapOpenAIFinishReason(response.done_reason),
        raw: response,
      };
    },
  });

  return Object.assign(createChatModel, { chat: createChatModel });
}

/** The default provider: the Ollama at `OLLAMA_HOST` or on this machine. */
export const ollama: OllamaProvider = createOllama();

function signalledFetch(
  baseFetch: typeof globalThis.fetch,
  signal: AbortSignal | undefined,
  modelId: string,
  secrets: string[],
): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await baseFetch(input, { ...init, signal });
    if (response.ok) return response;
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A proxy's HTML or plain-text error page: keep it as text.
    }
    if (response.status === 404 && typeof (body as { error?: unknown }).error === 'string') {
      body = { error: `${(body as { error: string }).error} (is it pulled? ollama pull ${modelId})` };
    }
    throw createAPICallError({
      provider: PROVIDER,
      modelId,
      statusCode: response.status,
      headers: response.headers,
      body,
      url: String(input instanceof Request ? input.url : input),
      secrets,
    });
  };
}
