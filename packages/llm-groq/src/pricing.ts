import type { ModelPricing } from '@echolens/provider';

/**
 * Groq on-demand prices in USD per million tokens, as published in 2025 (console.groq.com/pricing). Used
 * only for cost estimates in results; pass `pricing` to a model to override.
 */
export const GROQ_PRICING: Readonly<Record<string, ModelPricing>> = {
  'llama-3.1-8b-instant': { inputPerMillion: 0.05, outputPerMillion: 0.08 },
  'llama-3.3-70b-versatile': { inputPerMillion: 0.59, outputPerMillion: 0.79 },
  'meta-llama/llama-4-scout-17b-16e-instruct': { inputPerMillion: 0.11, outputPerMillion: 0.34 },
  'meta-llama/llama-4-maverick-17b-128e-instruct': { inputPerMillion: 0.2, outputPerMillion: 0.6 },
  'openai/gpt-oss-20b': { inputPerMillion: 0.075, outputPerMillion: 0.3 },
  'openai/gpt-oss-120b': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'moonshotai/kimi-k2-instruct': { inputPerMillion: 1, outputPerMillion: 3 },
  'qwen/qwen3-32b': { inputPerMillion: 0.29, outputPerMillion: 0.59 },
};
