import type { ModelPricing } from './language-model.js';

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
