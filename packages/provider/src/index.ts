/**
 * @echolens/provider — the contracts EchoLens adapters implement, the error classes they throw and the
 * helpers they share. Light on purpose (zod only): an adapter depends on this package, never on the
 * pipeline, its audio code or a native ML runtime.
 *
 * ```ts
 * import type { LanguageModel } from '@echolens/provider';
 * import { loadApiKey, mapClientError } from '@echolens/provider';
 * ```
 * @packageDocumentation
 */

// Helpers adapters share
export { type LoadApiKeyOptions, loadApiKey, loadOptionalApiKey } from './api-key.js';
// Contracts
export type { Cache } from './cache.js';
export type {
  Diarizer,
  DiarizerAudio,
  DiarizerCallOptions,
  DiarizerInput,
  PcmReader,
} from './diarizer.js';
// Errors
export {
  AbortError,
  APICallError,
  type APICallErrorOptions,
  AudioDecodeError,
  ConfigurationError,
  describeError,
  EchoLensError,
  type EchoLensErrorOptions,
  EmptyInputError,
  type ErrorCode,
  InvalidInputError,
  isRetryableStatus,
  MissingCredentialsError,
  MissingDependencyError,
  ModelLoadError,
  SchemaValidationError,
  StageError,
  StorageError,
  TimeoutError,
  throwIfAborted,
  toAbortError,
  UnsupportedFormatError,
} from './errors.js';
export { type FinishReason, mapOpenAIFinishReason } from './finish-reason.js';
export {
  type ClientErrorClasses,
  type ClientErrorContext,
  createAPICallError,
  type HttpFailure,
  mapClientError,
  parseRetryAfterMs,
} from './http-errors.js';
export { jsonSchemaInstructions } from './json-schema-instructions.js';
export type {
  ChatMessage,
  GenerateObjectOptions,
  GenerateObjectResult,
  JsonSchema,
  LanguageModel,
  LanguageModelUsage,
  ModelPricing,
  ModelReference,
} from './language-model.js';
export { type Logger, silentLogger } from './logger.js';
export { defaultCacheRoot, resolveModelsDir } from './models-dir.js';
export { Mutex } from './mutex.js';
export {
  chatCompletionsStructuredOutput,
  type HostedProviderSettings,
  type StainlessClientClass,
  type StructuredOutputMode,
  stainlessErrorClasses,
} from './openai-compatible.js';
export { requireListedModel } from './preflight.js';
export { findModelPricing } from './pricing.js';
// Data the contracts exchange
export {
  AUDIO_LIMITS,
  type CallMetadata,
  CallMetadataSchema,
  type ChannelRoles,
  ChannelRolesSchema,
  type RawAudioFormat,
  RawAudioFormatSchema,
  type RawEncoding,
  RawEncodingSchema,
} from './schema/audio-input.js';
export { type Role, RoleSchema, SecondsSchema, type TimeSpan, TimeSpanSchema } from './schema/common.js';
export {
  type Diarization,
  DiarizationSchema,
  type DiarizedSpeaker,
  DiarizedSpeakerSchema,
  type SpeakerSegment,
  SpeakerSegmentSchema,
} from './schema/diarization.js';
export {
  type Segment,
  SegmentSchema,
  type Transcript,
  TranscriptSchema,
  type UnintelligibleSpan,
  UnintelligibleSpanSchema,
  type Word,
  WordSchema,
} from './schema/transcript.js';
export { redactSecrets, registerSecrets, scrubSecrets, secretHeaderValues } from './secrets.js';
export type {
  SpeechToTextAudio,
  SpeechToTextCallOptions,
  SpeechToTextModel,
  SpeechToTextResult,
  SpeechToTextSegment,
  SpeechToTextWord,
} from './speech-to-text.js';
export { attachWordsToSegments, checkSpeechWindow } from './speech-window.js';
export {
  checkStorageKey,
  checkStoragePrefix,
  type PresignedPost,
  type Storage,
  type StorageObject,
  type UploadPostOptions,
} from './storage.js';
export { encodePcm16Wav, longestWindowSec } from './wav-encoder.js';
export { WHISPER_LANGUAGES, whisperLanguageCode } from './whisper-languages.js';
