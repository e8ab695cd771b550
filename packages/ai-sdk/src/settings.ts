import type { JSONValue } from '@ai-sdk/provider';
import { ConfigurationError, type Logger, silentLogger } from '@echolens/provider';
import { credentialsOf, mapAISDKError } from './errors.js';

/** Options per provider, keyed by the provider's name, as every AI SDK specification version takes them. */
export type AISDKProviderOptions = Record<string, Record<string, JSONValue>>;

/** Settings both adapters take. */
export interface AISDKModelSettings {
  /** Reported as the model's `provider` (provenance, cache key); default the AI SDK's, e.g. `openai.chat`. */
  provider?: string;
  /** Reported as the model's `modelId`; default the AI SDK model's. */
  modelId?: string;
  /**
   * Whatever else changes the answers for the same provider and model id (a base URL serving another model
   * under the same name, a fine-tune): part of EchoLens's cache key. The AI SDK model does not say where it
   * sends requests, so set this when you point a provider at your own server.
   */
  cacheKey?: string;
  /** Sent with every request, as the AI SDK's `providerOptions` (e.g. `{ openai: { strictJsonSchema: true } }`). */
  providerOptions?: AISDKProviderOptions;
  /**
   * Credentials to scrub from errors, beyond the ones found in the model (the API key of the AI SDK's own
   * providers is found). Give the key of a provider that keeps it elsewhere.
   */
  secrets?: readonly string[];
  /** Receives the model's warnings (settings it ignored); default silent. */
  logger?: Logger;
}

const SPECIFICATIONS = ['v2', 'v3', 'v4'];

/** Throws a ConfigurationError for anything but an AI SDK model of a supported specification version. */
export function checkSpecification(
  model: { specificationVersion?: unknown; doGenerate?: unknown },
  factory: string,
  kind: string,
): void {
  if (
    typeof model?.doGenerate === 'function' &&
    SPECIFICATIONS.includes(String(model.specificationVersion))
  ) {
    return;
  }
  throw new ConfigurationError(
    `${factory} takes an AI SDK ${kind} of specification v2, v3 or v4 (from the provider packages of AI SDK 5, 6 or 7), ` +
      `got specification ${String(model?.specificationVersion)}: upgrade the provider package`,
  );
}

/** The AI SDK keys `providerOptions` by provider name: the part of a model's `provider` before the dot. */
export function providerOptionsKey(provider: string): string {
  return provider.split('.')[0] ?? provider;
}

export interface CallContext {
  /** The AI SDK model, whose credentials are scrubbed from errors. */
  model: object;
  provider: string;
  modelId: string;
  settings: AISDKModelSettings;
  signal: AbortSignal | undefined;
}

/**
 * Runs one spec-level call and maps what it throws. The call is made once: AI SDK models do not retry at
 * the specification level, and neither does this adapter, because retries are core's.
 */
export async function callAISDK<T>(context: CallContext, call: () => PromiseLike<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const secrets = [...(context.settings.secrets ?? []), ...(await credentialsOf(context.model))];
    throw mapAISDKError(error, { ...context, secrets });
  }
}

/** Reports each distinct warning of a model once, so a warning repeated on every call is not noise. */
export function createWarningReporter(settings: AISDKModelSettings, subject: string) {
  const logger = settings.logger ?? silentLogger;
  const reported = new Set<string>();
  return (warnings: readonly unknown[] | undefined) => {
    for (const warning of warnings ?? []) {
      const text = JSON.stringify(warning);
      if (reported.has(text)) continue;
      reported.add(text);
      logger.warn({ warning }, `${subject}: ${describeWarning(warning)}`);
    }
  };
}

/** V2 `{ type: 'unsupported-setting', setting, details }`, V3/V4 `{ type: 'unsupported', feature, details }`, `{ type: 'other', message }`. */
function describeWarning(warning: unknown): string {
  const record = (warning ?? {}) as Record<string, unknown>;
  const what = record.setting ?? record.feature ?? record.tool;
  const parts = [
    what === undefined ? undefined : `${String(record.type)} ${typeof what === 'string' ? what : 'tool'}`,
    record.details ?? record.message,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? parts.join(': ') : JSON.stringify(warning);
}
