import type { ChatMessage, JsonSchema, LanguageModelUsage } from '@echolens/provider';
import type { RecordedRequest, WireHandler, WireResponse } from './wire-server.js';

/** What the scripted model "says", before a wire format dresses it in a vendor's response shape. */
export interface LanguageModelAnswer {
  text: string;
  usage?: LanguageModelUsage;
  /** Default `stop`. */
  finishReason?: 'stop' | 'length';
}

/** An HTTP error in the vendor's error shape. */
export interface WireError {
  status: number;
  message: string;
  /** e.g. `retry-after`, `retry-after-ms`, `x-should-retry`. */
  headers?: Record<string, string>;
}

/** A request as the model saw it, read back from what the adapter sent. */
export interface LanguageModelWireRequest {
  model?: string;
  system?: string;
  /** The conversation after the system prompt. */
  messages: ChatMessage[];
  jsonSchema?: JsonSchema;
  schemaName?: string;
  temperature?: number;
  maxOutputTokens?: number;
}

/**
 * How the conformance suite's local server speaks to one kind of adapter. EchoLens ships the
 * OpenAI-compatible, Groq and Ollama formats; a plugin author whose vendor speaks something else writes one
 * of these (four small functions) and runs the same suite.
 */
export interface LanguageModelWireFormat {
  name: string;
  /** The path the adapter must call, e.g. `/v1/chat/completions`. */
  path: string;
  /** The base URL to configure the adapter with, given the local server's origin. */
  baseURL(origin: string): string;
  answer(answer: LanguageModelAnswer): WireHandler;
  /** The vendor's model list (what `preflight` reads), offering these model ids. */
  models(modelIds: readonly string[]): WireResponse;
  error(error: WireError): WireResponse;
  readRequest(request: RecordedRequest): LanguageModelWireRequest;
}

const DEFAULT_USAGE: LanguageModelUsage = { inputTokens: 412, outputTokens: 87 };

interface ChatCompletionBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  response_format?: { type: string; json_schema?: { name?: string; schema?: JsonSchema } };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

function readChatCompletionRequest(request: RecordedRequest): LanguageModelWireRequest {
  const body = (request.json ?? {}) as ChatCompletionBody;
  const messages = body.messages ?? [];
  const system = messages.filter((message) => message.role === 'system' || message.role === 'developer');
  return {
    model: body.model,
    system: system.map((message) => String(message.content)).join('\n') || undefined,
    messages: messages
      .filter((message) => message.role === 'user' || message.role === 'assistant')
      .map((message) => ({ role: message.role as ChatMessage['role'], content: String(message.content) })),
    jsonSchema: body.response_format?.json_schema?.schema,
    schemaName: body.response_format?.json_schema?.name,
    temperature: body.temperature,
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens,
  };
}

let completionCounter = 0;

function chatCompletion(answer: LanguageModelAnswer, model: string, extra: Record<string, unknown>) {
  const usage = answer.usage ?? DEFAULT_USAGE;
  completionCounter++;
  return {
    id: `chatcmpl-${completionCounter.toString(36).padStart(8, '0')}EchoLensWire`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: answer.finishReason ?? 'stop',
      },
    ],
    usage: {
      prompt_tokens: usage.inputTokens,
      completion_tokens: usage.outputTokens,
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
    system_fingerprint: 'fp_echolens0',
    ...extra,
  };
}

/** OpenAI Chat Completions (`/v1/chat/completions`), as also served by OpenRouter, vLLM and LM Studio. */
export const openAIChatWireFormat: LanguageModelWireFormat = {
  name: 'openai-chat-completions',
  path: '/v1/chat/completions',
  baseURL: (origin) => `${origin}/v1`,
  answer: (answer) => (request) => {
    const model = readChatCompletionRequest(request).model ?? 'gpt-4o-mini';
    const body = chatCompletion(answer, model, { service_tier: 'default' });
    const usage = body.usage as Record<string, unknown>;
    usage.prompt_tokens_details = { cached_tokens: 0, audio_tokens: 0 };
    usage.completion_tokens_details = {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    };
    return { body, headers: { 'x-request-id': `req_${body.id}`, 'openai-processing-ms': '412' } };
  },
  models: (modelIds) => ({
    body: {
      object: 'list',
      data: modelIds.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })),
    },
  }),
  error: (error) => ({
    status: error.status,
    headers: { 'x-request-id': 'req_echolens_error', ...error.headers },
    body: {
      error: {
        message: error.message,
        type:
          error.status === 429 ? 'tokens' : error.status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: error.status === 429 ? 'rate_limit_exceeded' : error.status === 401 ? 'invalid_api_key' : null,
      },
    },
  }),
  readRequest: readChatCompletionRequest,
};

/** Groq's OpenAI-compatible chat completions (`/openai/v1/chat/completions`), with its `x_groq` extras. */
export const groqChatWireFormat: LanguageModelWireFormat = {
  name: 'groq-chat-completions',
  path: '/openai/v1/chat/completions',
  baseURL: (origin) => origin,
  answer: (answer) => (request) => {
    const model = readChatCompletionRequest(request).model ?? 'openai/gpt-oss-20b';
    const body = chatCompletion(answer, model, {});
    Object.assign(body.usage, {
      queue_time: 0.0421,
      prompt_time: 0.0113,
      completion_time: 0.2102,
      total_time: 0.2215,
    });
    return {
      body: { ...body, x_groq: { id: `req_${body.id}` } },
      headers: { 'x-request-id': `req_${body.id}` },
    };
  },
  models: (modelIds) => ({
    body: {
      object: 'list',
      data: modelIds.map((id) => ({
        id,
        object: 'model',
        created: 1_693_721_698,
        owned_by: 'Groq',
        active: true,
        context_window: 131_072,
      })),
    },
  }),
  error: (error) => ({
    status: error.status,
    headers: { ...error.headers },
    body: {
      error: {
        message: error.message,
        type:
          error.status === 429
            ? 'tokens'
            : error.status >= 500
              ? 'internal_server_error'
              : 'invalid_request_error',
        code:
          error.status === 429 ? 'rate_limit_exceeded' : error.status === 401 ? 'invalid_api_key' : undefined,
      },
    },
  }),
  readRequest: readChatCompletionRequest,
};

/**
 * Groq's answer when a model in JSON mode produced text that is not valid JSON: HTTP 400 with the text in
 * `failed_generation`.
 */
export function groqJsonValidateFailed(failedGeneration: string): WireResponse {
  return {
    status: 400,
    body: {
      error: {
        message:
          "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
        type: 'invalid_request_error',
        code: 'json_validate_failed',
        failed_generation: failedGeneration,
      },
    },
  };
}

interface OllamaChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  format?: unknown;
  stream?: boolean;
  options?: { temperature?: number; num_predict?: number };
}

/** Ollama's native `/api/chat` with `format: <JSON schema>` and `stream: false`. */
export const ollamaChatWireFormat: LanguageModelWireFormat = {
  name: 'ollama-chat',
  path: '/api/chat',
  baseURL: (origin) => origin,
  answer: (answer) => (request) => {
    const body = (request.json ?? {}) as OllamaChatBody;
    const usage = answer.usage ?? DEFAULT_USAGE;
    return {
      body: {
        model: body.model ?? 'llama3.2',
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: answer.text },
        done_reason: answer.finishReason ?? 'stop',
        done: true,
        total_duration: 5_191_566_416,
        load_duration: 2_154_458,
        prompt_eval_count: usage.inputTokens,
        prompt_eval_duration: 383_809_000,
        eval_count: usage.outputTokens,
        eval_duration: 4_799_921_000,
      },
    };
  },
  models: (modelIds) => ({
    body: {
      models: modelIds.map((name) => ({
        name,
        model: name,
        modified_at: '2025-01-07T10:12:55.372Z',
        size: 2_019_393_189,
        digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
        details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
      })),
    },
  }),
  error: (error) => ({ status: error.status, headers: { ...error.headers }, body: { error: error.message } }),
  readRequest(request) {
    const body = (request.json ?? {}) as OllamaChatBody;
    const messages = body.messages ?? [];
    return {
      model: body.model,
      system: messages.find((message) => message.role === 'system')?.content,
      messages: messages
        .filter((message) => message.role === 'user' || message.role === 'assistant')
        .map((message) => ({ role: message.role as ChatMessage['role'], content: message.content })),
      jsonSchema:
        typeof body.format === 'object' && body.format !== null ? (body.format as JsonSchema) : undefined,
      temperature: body.options?.temperature,
      maxOutputTokens: body.options?.num_predict,
    };
  },
};
