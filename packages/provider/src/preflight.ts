import { ConfigurationError } from './errors.js';

/**
 * For `LanguageModel.preflight`: fails with advice when the endpoint's model list does not offer the
 * model. Names match exactly, or without a `:tag` suffix on either side (Ollama's `llama3.2` is
 * `llama3.2:latest`).
 */
export function requireListedModel(
  listed: readonly string[],
  modelId: string,
  context: { provider: string; endpoint: string; advice?: string },
): void {
  const bare = (id: string) => id.replace(/:latest$/, '');
  if (listed.some((id) => id === modelId || bare(id) === bare(modelId))) return;
  const offered = listed.length
    ? `it offers ${listed.slice(0, 8).join(', ')}${listed.length > 8 ? ', …' : ''}`
    : 'it offers no models';
  throw new ConfigurationError(
    `${context.provider} at ${context.endpoint} does not offer the model "${modelId}" (${offered})${context.advice ? `; ${context.advice}` : ''}`,
  );
}
