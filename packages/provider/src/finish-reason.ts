import type { GenerateObjectResult } from './language-model.js';

export type FinishReason = NonNullable<GenerateObjectResult['finishReason']>;

/**
 * The finish reasons of OpenAI's chat-completions format, which most vendors (Groq, vLLM, OpenRouter,
 * Together…) copy; `done_reason` of Ollama uses the same words.
 */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}
