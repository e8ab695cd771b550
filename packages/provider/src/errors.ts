/**
 * One error hierarchy for the whole SDK. Every error has a stable `code` that callers can switch on,
 * and an `isInstance` check that works across duplicated package copies (two versions of
 * `@echolens/core` in one `node_modules` tree would defeat `instanceof`).
 */

import { scrubSecrets } from './secrets.js';

const MARKER = Symbol.for('echolens.error');

export type ErrorCode =
  | 'audio_decode_failed'
  | 'unsupported_format'
  | 'empty_input'
  | 'missing_dependency'
  | 'model_load_failed'
  | 'api_call_failed'
  | 'schema_validation_failed'
  | 'storage_failed'
  | 'aborted'
  | 'timeout'
  | 'invalid_configuration'
  | 'missing_credentials'
  | 'invalid_input'
  | 'stage_failed';

export interface EchoLensErrorOptions {
  cause?: unknown;
  /** The input (file path, URL, storage key or call id) the error concerns, when there is one. */
  file?: string;
}

export class EchoLensError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: EchoLensErrorOptions = {}) {
    // Scrubbed here, once, so no error of any kind can carry a credential into a log or a result.
    super(scrubSecrets(options.file ? `${options.file}: ${message}` : message), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = options.file;
  }

  /** True for any EchoLens error, from any copy of the package. */
  static isInstance(error: unknown): error is EchoLensError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, file: this.file };
  }
}

/** Builds `isInstance` for a subclass: matches on the stable code, so it survives package duplication. */
function hasCode<T extends EchoLensError>(code: ErrorCode) {
  return (error: unknown): error is T => EchoLensError.isInstance(error) && error.code === code;
}

/** The bytes are audio of a known kind, but decoding them failed (truncated, corrupt, inconsistent header). */
export class AudioDecodeError extends EchoLensError {
  constructor(message: string, options?: EchoLensErrorOptions) {
    super('audio_decode_failed', message, options);
  }
  static override isInstance = hasCode<AudioDecodeError>('audio_decode_failed');
}

/** The bytes are not a format EchoLens can read (a text file, an image, an unknown container). */
export class UnsupportedFormatError extends EchoLensError {
  readonly detectedFormat: string | undefined;
  constructor(message: string, options: EchoLensErrorOptions & { detectedFormat?: string } = {}) {
    super('unsupported_format', message, options);
    this.detectedFormat = options.detectedFormat;
  }
  static override isInstance = hasCode<UnsupportedFormatError>('unsupported_format');
}

/** The input holds no data at all (a zero-byte file, an empty buffer or stream). */
export class EmptyInputError extends EchoLensError {
  constructor(message: string, options?: EchoLensErrorOptions) {
    super('empty_input', message, options);
  }
  static override isInstance = hasCode<EmptyInputError>('empty_input');
}

/** A system tool or optional package the requested work needs is not installed. */
export class MissingDependencyError extends EchoLensError {
  readonly dependency: string;
  constructor(dependency: string, message: string, options?: EchoLensErrorOptions) {
    super('missing_dependency', message, options);
    this.dependency = dependency;
  }
  static override isInstance = hasCode<MissingDependencyError>('missing_dependency');
}

/** A model (Whisper, VAD, embeddings) could not be found or loaded. */
export class ModelLoadError extends EchoLensError {
  readonly modelId: string;
  constructor(modelId: string, message: string, options?: EchoLensErrorOptions) {
    super('model_load_failed', message, options);
    this.modelId = modelId;
  }
  static override isInstance = hasCode<ModelLoadError>('model_load_failed');
}

export interface APICallErrorOptions extends EchoLensErrorOptions {
  statusCode?: number;
  isRetryable?: boolean;
  /** Response body as text, truncated; never contains the request's credentials. */
  responseBody?: string;
  /** Milliseconds the server asked us to wait (`retry-after`, `retry-after-ms`), when it said. */
  retryAfterMs?: number;
  provider?: string;
  url?: string;
}

/** A hosted or local model API answered with an error or could not be reached. */
export class APICallError extends EchoLensError {
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  readonly responseBody: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;
  readonly url: string | undefined;

  constructor(message: string, options: APICallErrorOptions = {}) {
    super('api_call_failed', message, options);
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.statusCode);
    this.responseBody =
      options.responseBody === undefined ? undefined : scrubSecrets(options.responseBody).slice(0, 2000);
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.url = options.url === undefined ? undefined : scrubSecrets(options.url);
  }
  static override isInstance = hasCode<APICallError>('api_call_failed');

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), statusCode: this.statusCode, isRetryable: this.isRetryable };
  }
}

/** 408, 409, 429 and 5xx are worth retrying; other 4xx mean the request itself is wrong. */
export function isRetryableStatus(statusCode: number | undefined): boolean {
  if (statusCode === undefined) return true; // network failure: no answer at all
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/** Data (a model's answer, a user's input, a cached record) does not match its zod schema. */
export class SchemaValidationError extends EchoLensError {
  readonly issues: readonly { path: string; message: string }[];
  readonly value: unknown;
  constructor(
    message: string,
    options: EchoLensErrorOptions & { issues?: { path: string; message: string }[]; value?: unknown } = {},
  ) {
    super('schema_validation_failed', message, options);
    this.issues = (options.issues ?? []).map((issue) => ({ ...issue, message: scrubSecrets(issue.message) }));
    this.value = options.value;
  }
  static override isInstance = hasCode<SchemaValidationError>('schema_validation_failed');
}

/** A storage backend (filesystem, S3) failed to read, write, list or delete. */
export class StorageError extends EchoLensError {
  readonly key: string | undefined;
  constructor(message: string, options: EchoLensErrorOptions & { key?: string } = {}) {
    super('storage_failed', message, options);
    this.key = options.key;
  }
  static override isInstance = hasCode<StorageError>('storage_failed');
}

/** The caller's AbortSignal fired. */
export class AbortError extends EchoLensError {
  constructor(message = 'The operation was aborted', options?: EchoLensErrorOptions) {
    super('aborted', message, options);
  }
  static override isInstance = hasCode<AbortError>('aborted');
}

/** An operation took longer than its configured limit. */
export class TimeoutError extends EchoLensError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, message?: string, options?: EchoLensErrorOptions) {
    super('timeout', message ?? `Timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
  static override isInstance = hasCode<TimeoutError>('timeout');
}

/** Options given to EchoLens are inconsistent or invalid. */
export class ConfigurationError extends EchoLensError {
  constructor(message: string, options?: EchoLensErrorOptions) {
    super('invalid_configuration', message, options);
  }
  static override isInstance = hasCode<ConfigurationError>('invalid_configuration');
}

/** A hosted API needs credentials that were neither passed nor found in the environment. */
export class MissingCredentialsError extends EchoLensError {
  /** The variable the vendor documents, e.g. `OPENAI_API_KEY`. */
  readonly environmentVariableName: string;
  /** Names the vendor, e.g. `OpenAI`. */
  readonly service: string;
  constructor(
    service: string,
    environmentVariableName: string,
    message: string,
    options?: EchoLensErrorOptions,
  ) {
    super('missing_credentials', message, options);
    this.service = service;
    this.environmentVariableName = environmentVariableName;
  }
  static override isInstance = hasCode<MissingCredentialsError>('missing_credentials');
}

/** The input to a stage is not usable (e.g. a dialogue without turns, an unknown source kind). */
export class InvalidInputError extends EchoLensError {
  constructor(message: string, options?: EchoLensErrorOptions) {
    super('invalid_input', message, options);
  }
  static override isInstance = hasCode<InvalidInputError>('invalid_input');
}

/** Wraps an unexpected failure inside a stage so the caller learns which stage and which call. */
export class StageError extends EchoLensError {
  readonly stage: string;
  constructor(stage: string, message: string, options?: EchoLensErrorOptions) {
    super('stage_failed', message, options);
    this.stage = stage;
  }
  static override isInstance = hasCode<StageError>('stage_failed');
}

/** Throws AbortError if the signal has fired; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined, file?: string): void {
  if (signal?.aborted) {
    throw toAbortError(signal.reason, file);
  }
}

/** Normalises whatever an aborted signal carries into an AbortError (keeping an EchoLensError as is). */
export function toAbortError(reason: unknown, file?: string): EchoLensError {
  if (EchoLensError.isInstance(reason)) return reason;
  const message = reason instanceof Error && reason.message ? reason.message : 'The operation was aborted';
  return new AbortError(message, { cause: reason, file });
}

/** A plain-object view of any thrown value, safe to log or serialise into a batch report (secrets scrubbed). */
export function describeError(error: unknown): { code: string; message: string; name: string } {
  if (EchoLensError.isInstance(error)) return { code: error.code, message: error.message, name: error.name };
  if (error instanceof Error)
    return { code: 'unexpected', message: scrubSecrets(error.message), name: error.name };
  return { code: 'unexpected', message: scrubSecrets(String(error)), name: 'Error' };
}
