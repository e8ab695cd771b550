import {
  AbortError,
  APICallError,
  ConfigurationError,
  createAPICallError,
  EchoLensError,
  InvalidInputError,
  MissingCredentialsError,
  redactSecrets,
  TimeoutError,
  toAbortError,
} from '@echolens/provider';

/**
 * Every AI SDK error carries a global-symbol marker per class (`vercel.ai.error.AI_APICallError`): that is
 * how the AI SDK's own `isInstance` recognises its errors across package copies and spec versions. Checking
 * the marker here keeps `@ai-sdk/provider` a types-only dependency and also recognises the `ai` package's
 * `RetryError`, which `@ai-sdk/provider` does not define.
 */
function isAISDKError(error: unknown, name: string): error is Error & Record<string, unknown> {
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

/** The request could not be made as configured: a missing setting, an unknown model, an unsupported option. */
const CONFIGURATION_ERRORS = [
  'AI_LoadSettingError',
  'AI_NoSuchModelError',
  'AI_UnsupportedFunctionalityError',
  'AI_InvalidArgumentError',
  'AI_TypeValidationError',
];

/** The service answered, but with nothing usable; another attempt may do better. */
const UNUSABLE_ANSWER_ERRORS = [
  'AI_EmptyResponseBodyError',
  'AI_InvalidResponseDataError',
  'AI_JSONParseError',
  'AI_NoContentGeneratedError',
];

export interface AISDKErrorContext {
  /** Named in the message, e.g. `openai.chat`. */
  provider: string;
  modelId: string;
  /** Credentials to scrub from every message and body. */
  secrets: readonly (string | undefined)[];
  /** The caller's signal: once it has fired, any failure is reported as its abort. */
  signal?: AbortSignal;
}

/**
 * Maps what an AI SDK model threw into EchoLens's errors. An AI SDK `APICallError` becomes an EchoLens
 * `APICallError` with the status, the retryability that status means (or `x-should-retry`), the server's
 * `retry-after` and the body, credentials removed; the AI SDK error itself is not kept as `cause`, since its
 * `requestBodyValues` hold the prompt and its body may echo the key. Anything unrecognised is returned
 * unchanged: it is a bug, not an API failure.
 */
export function mapAISDKError(error: unknown, context: AISDKErrorContext): unknown {
  const { provider, modelId, secrets, signal } = context;
  if (signal?.aborted) return toAbortError(signal.reason);
  if (EchoLensError.isInstance(error)) return error;
  // `ai`'s retry wrapper: what counts is the last failure (EchoLens retries on its own).
  if (isAISDKError(error, 'AI_RetryError')) return mapAISDKError(error.lastError, context);
  const subject = `${provider} (${modelId})`;
  const detail = () => redactSecrets(error instanceof Error ? error.message : String(error), secrets);
  if (isAISDKError(error, 'AI_APICallError')) {
    return createAPICallError({
      provider,
      modelId,
      statusCode: typeof error.statusCode === 'number' ? error.statusCode : undefined,
      headers: error.responseHeaders as Record<string, string> | undefined,
      body: parseBody(error.responseBody),
      message: error.message,
      url: typeof error.url === 'string' ? error.url : undefined,
      secrets,
    });
  }
  if (isAISDKError(error, 'AI_LoadAPIKeyError')) {
    // "OpenAI API key is missing. Pass it using the 'apiKey' parameter or the OPENAI_API_KEY environment variable."
    const service = /^(.+?) API key is missing/.exec(error.message)?.[1] ?? provider;
    const variable = /the (\S+) environment variable/.exec(error.message)?.[1] ?? '';
    return new MissingCredentialsError(service, variable, `${subject}: ${detail()}`);
  }
  if (CONFIGURATION_ERRORS.some((name) => isAISDKError(error, name))) {
    return new ConfigurationError(`${subject}: ${detail()}`);
  }
  if (isAISDKError(error, 'AI_InvalidPromptError')) return new InvalidInputError(`${subject}: ${detail()}`);
  if (UNUSABLE_ANSWER_ERRORS.some((name) => isAISDKError(error, name))) {
    return new APICallError(`${subject} answered without a usable result: ${detail()}`, {
      provider,
      isRetryable: true,
    });
  }
  if (error instanceof Error && error.name === 'AbortError')
    return new AbortError(`${subject}: request aborted`);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new TimeoutError(0, `${subject}: the request timed out (${detail()})`);
  }
  return error;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

const CREDENTIAL_HEADER = /authorization|api[-_]?key|token|secret|cookie/i;
/** Environment variables named as credentials: OPENAI_API_KEY, GROQ_API_KEY, HF_TOKEN, AWS_SECRET_ACCESS_KEY… */
const CREDENTIAL_VARIABLE = /api_?key|token|secret|password|access_?key/i;

/**
 * The credentials an AI SDK model may send, so that they can be scrubbed from errors: the credential headers
 * of the model and every environment variable named as a credential (the AI SDK's providers read their key
 * from one by default). The headers: the AI SDK's own providers keep them (the API key among them) in the
 * model's `config.headers`, a record or a function, possibly async, that reads the key. That is an
 * implementation detail, and a model wrapped by `wrapLanguageModel` hides it, so this is best effort: the
 * `secrets` setting covers a key given in code to such a model.
 */
export async function knownCredentials(model: object): Promise<string[]> {
  const environment = Object.entries(globalThis.process?.env ?? {})
    .filter(([name, value]) => CREDENTIAL_VARIABLE.test(name) && value)
    .map(([, value]) => value as string);
  return [...environment, ...(await headerCredentials(model))];
}

async function headerCredentials(model: object): Promise<string[]> {
  const headers = (model as { config?: { headers?: unknown } }).config?.headers;
  try {
    const resolved: unknown = typeof headers === 'function' ? await headers() : await headers;
    if (typeof resolved !== 'object' || resolved === null) return [];
    return Object.entries(resolved)
      .filter(([name, value]) => CREDENTIAL_HEADER.test(name) && typeof value === 'string')
      .map(([, value]) => value as string);
  } catch {
    // No key configured: the failure being mapped says so itself.
    return [];
  }
}
