/**
 * @echolens/llm-groq — EchoLens language models on Groq, through `groq-sdk`.
 *
 * ```ts
 * import { groq } from '@echolens/llm-groq';
 * const model = groq('openai/gpt-oss-20b'); // GROQ_API_KEY from the environment
 * ```
 * @packageDocumentation
 */

export { GROQ_PRICING } from './pricing.js';
export {
  createGroq,
  type GroqChatSettings,
  type GroqProvider,
  type GroqProviderSettings,
  groq,
} from './provider.js';
export { defaultStructuredOutputMode, type GroqStructuredOutputMode } from './structured-output-modes.js';
