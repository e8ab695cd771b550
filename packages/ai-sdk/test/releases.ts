import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAI as createOpenAIV2 } from '@ai-sdk/openai-v2';
import { createOpenAI as createOpenAIV3 } from '@ai-sdk/openai-v3';

/**
 * The real `@ai-sdk/openai`, one release per AI SDK specification version, installed side by side under npm
 * aliases: v2 (AI SDK 5), v3 (AI SDK 6), v4 (AI SDK 7).
 */
export const openAIReleases = [
  { spec: 'v2', createOpenAI: createOpenAIV2 },
  { spec: 'v3', createOpenAI: createOpenAIV3 },
  { spec: 'v4', createOpenAI },
] as const;
