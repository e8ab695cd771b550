import type { LanguageModel, LanguageModelUsage } from '../adapters/language-model.js';

export type ModelPricing = NonNullable<LanguageModel['pricing']>;

/**
 * Estimated USD cost of `usage` at the model's published prices: 0 for a model that runs locally,
 * undefined when its prices are unknown (a custom endpoint, a new model).
 */
export function estimateCostUsd(
  model: Pick<LanguageModel, 'pricing' | 'runsLocally'>,
  usage: LanguageModelUsage,
): number | undefined {
  if (model.runsLocally) return 0;
  if (!model.pricing) return undefined;
  return (
    (usage.inputTokens * model.pricing.inputPerMillion +
      usage.outputTokens * model.pricing.outputPerMillion) /
    1_000_000
  );
}

/**
 * Looks a model id up in an adapter's price table. Dated snapshots (`gpt-4o-mini-2024-07-18`) cost what
 * their alias costs, so an id matches a table key when it equals it or continues with `-` and a digit;
 * the longest such key wins (`gpt-4o-mini` before `gpt-4o`).
 */
export function findModelPricing(
  table: Readonly<Record<string, ModelPricing>>,
  modelId: string,
): ModelPricing | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const matches =
      modelId === key || (modelId.startsWith(`${key}-`) && /^\d/.test(modelId.slice(key.length + 1)));
    if (matches && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}
