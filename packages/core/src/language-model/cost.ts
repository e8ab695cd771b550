import type { LanguageModelUsage, ModelPricing } from '@echolens/provider';

/**
 * Estimated USD cost of `usage` at a model's published prices; undefined when its prices are unknown (a
 * custom endpoint, a new model). Free local models publish `{ 0, 0 }`.
 */
export function estimateCostUsd(
  pricing: ModelPricing | undefined,
  usage: LanguageModelUsage,
): number | undefined {
  if (!pricing) return undefined;
  return (
    (usage.inputTokens * pricing.inputPerMillion + usage.outputTokens * pricing.outputPerMillion) / 1_000_000
  );
}
