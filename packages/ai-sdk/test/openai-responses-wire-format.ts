import {
  type LanguageModelWireFormat,
  type LanguageModelWireRequest,
  openAIChatWireFormat,
  type RecordedRequest,
} from '@echolens/core/testing';
import type { ChatMessage, JsonSchema } from '@echolens/provider';

/**
 * OpenAI's Responses API (`/v1/responses`), which the AI SDK's OpenAI provider calls for `openai('…')` since
 * AI SDK 5 (`openai.chat('…')` calls Chat Completions). Bodies in the shape OpenAI documents; errors are
 * OpenAI's, as for Chat Completions.
 */
export const openAIResponsesWireFormat: LanguageModelWireFormat = {
  name: 'openai-responses',
  path: '/v1/responses',
  baseURL: (origin) => `${origin}/v1`,
  answer:
    ({ text, usage = { inputTokens: 412, outputTokens: 87 }, finishReason = 'stop' }) =>
    (request) => {
      const cutOff = finishReason === 'length';
      const model = readResponsesRequest(request).model ?? 'gpt-4o-mini';
      return {
        body: {
          id: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b',
          object: 'response',
          created_at: 1741476542,
          status: cutOff ? 'incomplete' : 'completed',
          error: null,
          incomplete_details: cutOff ? { reason: 'max_output_tokens' } : null,
          model: `${model}-2024-07-18`,
          output: [
            {
              type: 'message',
              id: 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b',
              status: cutOff ? 'incomplete' : 'completed',
              role: 'assistant',
              content: [{ type: 'output_text', text, annotations: [] }],
            },
          ],
          usage: {
            input_tokens: usage.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: usage.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: usage.inputTokens + usage.outputTokens,
          },
        },
        headers: { 'x-request-id': 'req_echolens_responses' },
      };
    },
  error: openAIChatWireFormat.error,
  models: openAIChatWireFormat.models,
  readRequest: readResponsesRequest,
};

interface ResponsesInputItem {
  role?: string;
  content?: string | { type: string; text?: string }[];
}

interface ResponsesBody {
  model?: string;
  input?: ResponsesInputItem[];
  text?: { format?: { type?: string; name?: string; schema?: JsonSchema } };
  temperature?: number;
  max_output_tokens?: number;
}

function readResponsesRequest(request: RecordedRequest): LanguageModelWireRequest {
  const body = (request.json ?? {}) as ResponsesBody;
  const input = body.input ?? [];
  const textOf = (content: ResponsesInputItem['content']) =>
    typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join('');
  const system = input.filter((item) => item.role === 'system' || item.role === 'developer');
  return {
    model: body.model,
    system: system.map((item) => textOf(item.content)).join('\n') || undefined,
    messages: input
      .filter((item) => item.role === 'user' || item.role === 'assistant')
      .map((item) => ({ role: item.role as ChatMessage['role'], content: textOf(item.content) })),
    jsonSchema: body.text?.format?.schema,
    schemaName: body.text?.format?.name,
    temperature: body.temperature,
    maxOutputTokens: body.max_output_tokens,
  };
}
