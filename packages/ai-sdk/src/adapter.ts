import type { JSONValue } from '@ai-sdk/provider';
import { ConfigurationError, type Logger, silentLogger } from '@echolens/provider';
import { knownCredentials, mapAISDKError } from './errors.js';

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
   * Credentials to scrub from errors, beyond the ones found: the credential headers of the AI SDK's own
   * providers and environment variables named as credentials (`OPENAI_API_KEY`…). Give a key passed in
   * code to a model that hides its headers (one wrapped by `wrapLanguageModel`, a custom provider).
   */
  secrets?: readonly string[];
  /** Receives the model's warnings (settings it ignored); default silent. */
  logger?: Logger;
}

const SPECIFICATIONS = ['v2', 'v3', 'v4'];

interface AISDKModel {
  readonly specificationVersion: string;
  readonly provider: string;
  readonly modelId: string;
  doGenerate: unknown;
}

/** What both adapters derive from an AI SDK model and their settings. */
export interface Adapter {
  /** The EchoLens model's `provider`, `modelId` and, when given, `cacheKey`. */
  identity: { provider: string; modelId: string; cacheKey?: string };
  /** `provider (modelId)`, starting messages. */
  subject: string;
  logger: Logger;
  /** Logs each distinct warning of the model once, so a warning repeated on every call is not noise. */
  reportWarnings(warnings: readonly unknown[] | undefined): void;
  /**
   * Runs one spec-level call and maps what it throws. The call is made once: AI SDK models do not retry at
   * the specification level, and neither does this adapter, because retries are core's.
   */
  call<T>(signal: AbortSignal | undefined, call: () => PromiseLike<T>): Promise<T>;
}

/** Checks the model's specification version (a ConfigurationError for anything but v2, v3 or v4). */
export function createAdapter(
  model: AISDKModel,
  settings: AISDKModelSettings,
  factory: string,
  kind: string,
): Adapter {
  if (
    typeof model?.doGenerate !== 'function' ||
    !SPECIFICATIONS.includes(String(model.specificationVersion))
  ) {
    throw new ConfigurationError(
      `${factory} takes an AI SDK ${kind} of specification v2, v3 or v4 (from the provider packages of AI SDK 5, 6 or 7), ` +
        `got specification ${String(model?.specificationVersion)}: upgrade the provider package`,
    );
  }
  const provider = settings.provider ?? model.provider;
  const modelId = settings.modelId ?? model.modelId;
  const subject = `${provider} (${modelId})`;
  const logger = settings.logger ?? silentLogger;
  const reported = new Set<string>();
  return {
    identity: { provider, modelId, ...(settings.cacheKey ? { cacheKey: settings.cacheKey } : {}) },
    subject,
    logger,
    reportWarnings(warnings) {
      for (const warning of warnings ?? []) {
        const text = JSON.stringify(warning);
        if (reported.has(text)) continue;
        reported.add(text);
        logger.warn({ warning }, `${subject}: ${describeWarning(warning)}`);
      }
    },
    async call(signal, call) {
      try {
        return await call();
      } catch (error) {
        const secrets = [...(settings.secrets ?? []), ...(await knownCredentials(model))];
        throw mapAISDKError(error, { provider, modelId, secrets, signal });
      }
    },
  };
}

/** The AI SDK keys `providerOptions` by provider name: the part of a model's `provider` before the dot. */
export function providerOptionsKey(provider: string): string {
  return provider.split('.')[0] ?? provider;
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
