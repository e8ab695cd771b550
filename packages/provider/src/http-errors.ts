import {
  AbortError,
  APICallError,
  EchoLensError,
  isRetryableStatus,
  TimeoutError,
  toAbortError,
} from './errors.js';
import { redactSecrets } from './secrets.js';

/**
 * Helpers for adapter authors: turn an HTTP failure from any vendor client into core's APICallError, with
 * the server's retry-after honoured and credentials scrubbed from everything that could be logged.
 */

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined | null;

function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Milliseconds a server asked us to wait: `retry-after-ms` (OpenAI's precise variant) first, then
 * `retry-after` as seconds or as an HTTP date. Undefined when neither is present or parseable.
 */
export function parseRetryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(readHeader(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const retryAfter = readHeader(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface HttpFailure {
  /** e.g. `openai`; starts the message. */
  provider: string;
  /** The model or resource the request was for; named in the message. */
  modelId?: string;
  /** Absent when no response arrived (connection refused, reset, DNS). */
  statusCode?: number;
  headers?: HeaderSource;
  /** The parsed or raw response body. */
  body?: unknown;
  /** The client library's own message, used when the body has none. */
  message?: string;
  url?: string;
  /** Credentials the request carried (API key, tokens); removed from message and body. */
  secrets?: readonly (string | undefined | null)[];
  cause?: unknown;
}

/** Builds the APICallError for a failed HTTP exchange; safe to log (credentials removed). */
export function createAPICallError(failure: HttpFailure): APICallError {
  const secrets = failure.secrets ?? [];
  const bodyText = failure.body === undefined ? undefined : stringifyBody(failure.body);
  const vendorMessage = redactSecrets(
    (extractVendorMessage(failure.body) ?? failure.message ?? bodyText ?? 'no details').slice(0, 500),
    secrets,
  );
  const subject = failure.modelId ? `${failure.provider} (${failure.modelId})` : failure.provider;
  const message =
    failure.statusCode === undefined
      ? `${subject} could not be reached: ${vendorMessage}`
      : `${subject} answered HTTP ${failure.statusCode}: ${vendorMessage}`;
  // OpenAI-style servers say explicitly whether a retry can help; that beats guessing from the status.
  const shouldRetry = readHeader(failure.headers, 'x-should-retry');
  const isRetryable =
    shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : isRetryableStatus(failure.statusCode);
  return new APICallError(message, {
    statusCode: failure.statusCode,
    isRetryable,
    responseBody: bodyText === undefined ? undefined : redactSecrets(bodyText, secrets),
    retryAfterMs: parseRetryAfterMs(failure.headers),
    provider: failure.provider,
    url: failure.url === undefined ? undefined : redactSecrets(failure.url, secrets),
    cause: failure.cause,
  });
}

function stringifyBody(body: unknown): string {
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(body);
  } catch {
    return String(body);
  }
}

/** `{ error: { message } }` (OpenAI, Groq), `{ error: "…" }` (Ollama), `{ message }`, or `{ detail }`. */
function extractVendorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'string') return error;
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as Record<string, unknown>).message === 'string'
  ) {
    return (error as Record<string, unknown>).message as string;
  }
  if (typeof record.message === 'string') return record.message;
  if (typeof record.detail === 'string') return record.detail;
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: error classes of any vendor client
type ErrorClass = abstract new (...args: any[]) => unknown;

/** A vendor client's error classes, checked in this order; Stainless clients (openai, groq-sdk) have all four. */
export interface ClientErrorClasses {
  abort?: ErrorClass;
  timeout?: ErrorClass;
  connection?: ErrorClass;
  /** Errors with `status`, `headers` and the response body (`error` or `body`). */
  http?: ErrorClass;
}

export interface ClientErrorContext {
  provider: string;
  modelId?: string;
  /** Credentials to scrub from every message and body. */
  secrets?: readonly (string | undefined | null)[];
  /** The caller's signal: once it has fired, any failure is reported as its abort. */
  signal?: AbortSignal;
  /** The client's own request timeout, for the TimeoutError it causes. */
  clientTimeoutMs?: number;
  errorClasses: ClientErrorClasses;
}

/**
 * Maps what a vendor client threw into core's errors, classified by the client's own error classes. HTTP
 * errors are read the way Stainless-generated clients (openai, groq-sdk) and most others shape them:
 * `status`, `headers`, and the response body. EchoLens errors pass through; anything unclassified is
 * returned unchanged, since it is a bug rather than an API failure.
 */
export function mapClientError(error: unknown, context: ClientErrorContext): unknown {
  if (context.signal?.aborted) return toAbortError(context.signal.reason);
  if (EchoLensError.isInstance(error)) return error;
  const secrets = context.secrets ?? [];
  const subject = context.modelId ? `${context.provider} (${context.modelId})` : context.provider;
  const detail = redactSecrets(describeClientError(error), secrets);
  const { abort, timeout, connection, http } = context.errorClasses;
  const kind =
    abort && error instanceof abort
      ? 'abort'
      : timeout && error instanceof timeout
        ? 'timeout'
        : connection && error instanceof connection
          ? 'connection'
          : http && error instanceof http
            ? 'http'
            : undefined;
  switch (kind) {
    case 'abort':
      return new AbortError(`${subject}: request aborted`);
    case 'timeout':
      return new TimeoutError(context.clientTimeoutMs ?? 0, `${subject}: the client timed out (${detail})`);
    case 'connection':
      return createAPICallError({
        provider: context.provider,
        modelId: context.modelId,
        secrets,
        message: detail,
      });
    case 'http': {
      const failure = error as { status?: number; headers?: HeaderSource; error?: unknown; body?: unknown };
      return createAPICallError({
        provider: context.provider,
        modelId: context.modelId,
        secrets,
        statusCode: failure.status,
        headers: failure.headers,
        body: failure.body ?? responseBodyOf(failure.error),
        message: detail,
      });
    }
    default:
      return error;
  }
}

/**
 * Stainless clients keep the response body on `error`: the whole body in groq-sdk, only its `error` member
 * in openai. Either way, the result has the vendor's `{ error: … }` shape.
 */
function responseBodyOf(error: unknown): unknown {
  if (error === undefined) return undefined;
  const isWholeBody = typeof error === 'object' && error !== null && 'error' in error;
  return isWholeBody ? error : { error };
}

/** The message with its causes (`fetch failed: connect ECONNREFUSED 127.0.0.1:4000`). */
function describeClientError(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    const text =
      typeof code === 'string' && !current.message.includes(code)
        ? `${current.message} (${code})`
        : current.message;
    if (text && !messages.includes(text)) messages.push(text);
    current = current.cause;
  }
  return messages.join(': ') || String(error);
}
