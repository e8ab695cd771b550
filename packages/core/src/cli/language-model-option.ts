import { readFile } from 'node:fs/promises';
import type { LanguageModel } from '@echolens/provider';
import { ConfigurationError, MissingDependencyError } from '@echolens/provider';

/**
 * `--llm provider:model` for the CLI. Adapter packages are optional and loaded only when asked for, so
 * core never depends on them: `npm i @echolens/llm-openai` and pass `--llm openai:gpt-4o-mini`.
 */
const PROVIDERS: Record<string, { packageName: string; factory: string }> = {
  openai: { packageName: '@echolens/llm-openai', factory: 'createOpenAI' },
  groq: { packageName: '@echolens/llm-groq', factory: 'createGroq' },
  ollama: { packageName: '@echolens/llm-ollama', factory: 'createOllama' },
};

type ProviderFactory = (settings: { baseURL?: string }) => (modelId: string) => LanguageModel;

/** Loads `provider:model` (e.g. `openai:gpt-4o-mini`, `ollama:llama3.2`) through its adapter package. */
export async function loadLanguageModel(
  spec: string,
  options: { baseURL?: string } = {},
): Promise<LanguageModel> {
  const separator = spec.indexOf(':');
  const providerName = separator > 0 ? spec.slice(0, separator) : '';
  const modelId = separator > 0 ? spec.slice(separator + 1) : '';
  const provider = PROVIDERS[providerName];
  if (!provider || !modelId) {
    throw new ConfigurationError(
      `--llm "${spec}" is not provider:model; providers: ${Object.keys(PROVIDERS).join(', ')} (e.g. openai:gpt-4o-mini)`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(provider.packageName)) as Record<string, unknown>;
  } catch (error) {
    throw new MissingDependencyError(
      provider.packageName,
      `--llm ${providerName} needs ${provider.packageName}: install it next to @echolens/core (npm i ${provider.packageName})`,
      { cause: error },
    );
  }
  const factory = module[provider.factory] as ProviderFactory | undefined;
  if (typeof factory !== 'function') {
    throw new ConfigurationError(
      `${provider.packageName} does not export ${provider.factory}; is it an EchoLens adapter?`,
    );
  }
  return factory(options.baseURL ? { baseURL: options.baseURL } : {})(modelId);
}

/** Reads a JSON file given on the command line (taxonomy, rules), naming the file when it is unusable. */
export async function readJsonOption(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read the ${what} file (${(error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigurationError(`the ${what} file is not valid JSON (${(error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
}
