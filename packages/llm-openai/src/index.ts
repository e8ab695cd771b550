/**
 * @echolens/llm-openai — EchoLens language models on OpenAI and any OpenAI-compatible endpoint.
 *
 * ```ts
 * import { openai } from '@echolens/llm-openai';
 * const model = openai('gpt-4o-mini'); // OPENAI_API_KEY from the environment
 * ```
 * @packageDocumentation
 */

export type { StructuredOutputMode } from '@echolens/provider';
export { OPENAI_PRICING } from './pricing.js';
export {
  createOpenAI,
  type OpenAIChatSettings,
  type OpenAIProvider,
  type OpenAIProviderSettings,
  openai,
} from './provider.js';
