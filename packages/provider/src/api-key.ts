import { MissingCredentialsError } from './errors.js';
import { registerSecrets } from './secrets.js';

export interface LoadApiKeyOptions {
  /** The key passed in code; wins over the environment. */
  apiKey: string | undefined;
  /** The variable the vendor documents, e.g. `OPENAI_API_KEY`. */
  environmentVariableName: string;
  /** Names the vendor and the factory in the error, e.g. `OpenAI` and `createOpenAI`. */
  description: string;
  factoryName: string;
}

/**
 * The API key from the option or the vendor's environment variable; a `MissingCredentialsError` that
 * says both ways of giving it when neither does. Read lazily (at the first request), so creating a provider
 * never fails and a key set after import still counts.
 */
export function loadApiKey(options: LoadApiKeyOptions): string {
  const key = options.apiKey ?? process.env[options.environmentVariableName];
  if (key?.trim()) {
    registerSecrets(key); // from now on scrubbed from every error, log line and result
    return key;
  }
  throw new MissingCredentialsError(
    options.description,
    options.environmentVariableName,
    `No ${options.description} API key: set the ${options.environmentVariableName} environment variable or pass ${options.factoryName}({ apiKey })`,
  );
}

/** The key from the option or the environment, or undefined: for endpoints where a key is optional. */
export function loadOptionalApiKey(
  options: Pick<LoadApiKeyOptions, 'apiKey' | 'environmentVariableName'>,
): string | undefined {
  const key = options.apiKey ?? process.env[options.environmentVariableName];
  if (!key?.trim()) return undefined;
  registerSecrets(key);
  return key;
}
