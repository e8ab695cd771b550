/**
 * @echolens/core — turn customer-service call recordings into structured, evidence-backed analytics.
 *
 * ```ts
 * import { createPipeline } from '@echolens/core';
 * const pipeline = createPipeline();
 * const { results, failures, report } = await pipeline.runMany(['calls/a.wav', 'calls/b.mp3']);
 * ```
 *
 * The public surface is listed here on purpose, name by name (its report is `etc/core.api.md`); everything
 * else under `src/` is internal and may change in any release. Adapter authors need only
 * `@echolens/provider` (contracts, errors, helpers) and `@echolens/core/testing` (conformance suites).
 * @packageDocumentation
 */

// Adapter contracts and errors (defined in @echolens/provider, re-exported so applications need one import)
export type {
  Cache,
  ChatMessage,
  Diarizer,
  DiarizerAudio,
  DiarizerCallOptions,
  DiarizerInput,
  GenerateObjectOptions,
  GenerateObjectResult,
  JsonSchema,
  LanguageModel,
  LanguageModelUsage,
  Logger,
  ModelPricing,
  ModelReference,
  PcmReader,
  PresignedPost,
  SpeechToTextAudio,
  SpeechToTextCallOptions,
  SpeechToTextModel,
  SpeechToTextResult,
  SpeechToTextSegment,
  SpeechToTextWord,
  Storage,
  StorageObject,
  UploadPostOptions,
} from '@echolens/provider';
export {
  AbortError,
  APICallError,
  AUDIO_LIMITS,
  AudioDecodeError,
  type CallMetadata,
  CallMetadataSchema,
  type ChannelRoles,
  ChannelRolesSchema,
  ConfigurationError,
  checkStorageKey,
  checkStoragePrefix,
  type Diarization,
  DiarizationSchema,
  type DiarizedSpeaker,
  DiarizedSpeakerSchema,
  describeError,
  EchoLensError,
  EmptyInputError,
  type ErrorCode,
  InvalidInputError,
  MissingCredentialsError,
  MissingDependencyError,
  ModelLoadError,
  type RawAudioFormat,
  RawAudioFormatSchema,
  type RawEncoding,
  RawEncodingSchema,
  type Role,
  RoleSchema,
  SchemaValidationError,
  SecondsSchema,
  type Segment,
  SegmentSchema,
  type SpeakerSegment,
  SpeakerSegmentSchema,
  StageError,
  StorageError,
  silentLogger,
  TimeoutError,
  type TimeSpan,
  TimeSpanSchema,
  type Transcript,
  TranscriptSchema,
  type UnintelligibleSpan,
  UnintelligibleSpanSchema,
  UnsupportedFormatError,
  type Word,
  WordSchema,
} from '@echolens/provider';
// Across calls
export { aggregateResults, type SummaryOptions, withExecutiveSummary } from './aggregate/aggregate.js';
export { type AggregateOptions, Aggregator } from './aggregate/aggregator.js';
export type { AlertOptions } from './aggregate/alerts.js';
export { listStoredResults, readStoredResult, readStoredResults } from './aggregate/stored-results.js';
// Analysis
export {
  CallAnalyzer,
  type CallAnalyzerOptions,
  type RedactionMode,
  type RedactionSettings,
} from './analyze/call-analyzer.js';
export {
  applyCategories,
  type CategoryCondition,
  CategoryConditionSchema,
  type CategoryRule,
  type CategoryRuleInput,
  CategoryRuleSchema,
  parseCategoryRules,
  recategorize,
  type TimeRange,
  TimeRangeSchema,
} from './analyze/categories/category-rules.js';
export {
  conversationFromDialogue,
  type Dialogue,
  type DialogueLimits,
  DialogueLimitsSchema,
  DialogueSchema,
  DialogueTurnSchema,
  readDialogues,
} from './analyze/dialogue.js';
export {
  type CustomerMemory,
  CustomerMemorySchema,
  FileMemoryStore,
  InProcessMemoryStore,
  type MemoryContext,
  type MemoryEntry,
  MemoryEntrySchema,
  type MemoryStore,
} from './analyze/memory/memory-box.js';
export {
  type CallMetricsOptions,
  computeCallMetrics,
  computeCallMetricsWithAudio,
} from './analyze/metrics/metrics.js';
export {
  type ComplianceRule,
  type ComplianceRuleInput,
  ComplianceRuleSchema,
  DEFAULT_COMPLIANCE_RULES,
  parseComplianceRules,
} from './analyze/offline/compliance.js';
export { HeuristicAnalyzer, type HeuristicAnalyzerOptions } from './analyze/offline/offline-analyzer.js';
export {
  DEFAULT_TAXONOMY,
  type Taxonomy,
  TaxonomySchema,
  type Topic,
  TopicSchema,
} from './analyze/offline/taxonomy.js';
export {
  findPii,
  PII_TYPES,
  type PiiSpan,
  type PiiType,
  type RedactionOptions,
  redactConversation,
  redactText,
  redactTranscript,
} from './analyze/privacy/redaction.js';
export { type ChannelDenoising, denoise, loadDenoiser } from './audio/denoise.js';
// Audio
export { type DetectedFormat, detectAudioFormat } from './audio/format-detection.js';
export { type PrepareAudioOptions, prepareAudio } from './audio/prepare.js';
export type { AudioInput, AudioSource, PreparedAudio } from './audio/types.js';
// Caching and storage
export { FileCache, MemoryCache } from './cache/file-cache.js';
export { contentHash } from './cache/hash.js';
// Language-model runtime: validation, repair, retries, timeouts, rate limits, fallback
export { loadLanguageModel } from './cli/language-model-option.js';
// Diarization
export { type ChannelDiarizerOptions, createChannelDiarizer } from './diarize/channel-diarizer.js';
export { type BuildConversationOptions, buildConversation } from './diarize/conversation.js';
export { createDefaultDiarizer, type DefaultDiarizerOptions } from './diarize/default-diarizer.js';
export {
  type DiarizationErrorBreakdown,
  type DiarizationErrorOptions,
  diarizationErrorRate,
  type LabelledSpan,
} from './diarize/der.js';
export { createDiarizeStage, type DiarizationOptions } from './diarize/diarize-stage.js';
export { createOnnxDiarizer, type OnnxDiarizerOptions } from './diarize/onnx-diarizer.js';
export { formatRttm, parseRttm, type RttmSegment } from './diarize/rttm.js';
export { createSpectralDiarizer, type SpectralDiarizerOptions } from './diarize/spectral-diarizer.js';
// Ingestion: folders, ZIP archives, storage prefixes, URLs; call metadata; output targets
export {
  AUDIO_EXTENSIONS,
  collectInputs,
  type IngestedInput,
  type IngestItem,
  type IngestOptions,
  type IngestProblem,
  type IngestProblemCode,
  type IngestSource,
} from './ingest/collect-inputs.js';
export { compileMetadataPattern, parseFileNameDate } from './ingest/metadata.js';
export { type OutputTarget, openOutputTarget } from './ingest/output-target.js';
export { type OpenStorageUrl, openS3Url, parseS3Url } from './ingest/storage-url.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './ingest/zip-archive.js';
// Language-model runtime: validation, repair, retries, timeouts, rate limits, fallback
export { estimateCostUsd } from './language-model/cost.js';
export {
  type GenerateStructuredOptions,
  type GenerateStructuredResult,
  generateStructured,
} from './language-model/generate-structured.js';
export { LANGUAGE_MODEL_DEFAULTS, type LanguageModelSettings } from './language-model/model-settings.js';
export { toStrictJsonSchema } from './language-model/strict-json-schema.js';
export {
  StructuredOutputError,
  type StructuredOutputErrorOptions,
} from './language-model/structured-output-error.js';
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimitLease,
  type RateLimitOptions,
} from './middleware/rate-limit.js';
export {
  type FallbackLanguageModel,
  type FallbackOptions,
  type FallbackSpeechToTextModel,
  isFallbackWorthy,
  withFallback,
} from './middleware/with-fallback.js';
export { type SpeechToTextRetryOptions, withRetries } from './middleware/with-retries.js';
// The pipeline and its stages
export {
  type BatchResult,
  type CallFailure,
  type ConversationInput,
  createPipeline,
  type DiarizationResult,
  Pipeline,
  type PipelineInput,
  type PipelineOptions,
  type RunManyOptions,
  type RunOptions,
  type SplitLongAudioOptions,
  type TranscriptionResult,
} from './pipeline/create-pipeline.js';
export {
  type ConversationFormatOptions,
  conversationAsTranscript,
  formatConversation,
} from './report/conversation-formats.js';
// Outputs
export { csvColumns, csvHeader, csvLine } from './report/csv.js';
export { type CallPageOptions, renderCallPage } from './report/html/call-page.js';
export { renderReportPage } from './report/html/report-page.js';
export { type ReportFolderOptions, reportStoredResults } from './report/report-folder.js';
export { formatTranscript, TRANSCRIPT_FORMATS, type TranscriptFormat } from './report/transcript-formats.js';
export {
  callPageFile,
  REPORT_FILES,
  type WriteReportsOptions,
  type WrittenReports,
  writeReports,
} from './report/write-reports.js';
// Data: zod schemas and the types inferred from them
export * from './schema/index.js';
export type { PipelineEvents, StageName } from './stages/events.js';
export type {
  AggregateStage,
  AnalysisBody,
  AnalyzeStage,
  DiarizeStage,
  PreprocessStage,
  StageContext,
  StageProvenance,
  Stages,
  TranscribeStage,
} from './stages/stages.js';
export { artifactLayout, safeSegment } from './storage/artifact-layout.js';
export { createLocalStorage, LocalStorage } from './storage/local-storage.js';
// Transcription
export {
  type ChunkInput,
  ChunkInputSchema,
  deleteChunkInputs,
  type ExportedChunkResult,
  type LongAudioSplit,
} from './transcribe/chunk-export.js';
export {
  type ChunkCheckpoint,
  ChunkCheckpointSchema,
  type ChunkEvent,
  type ChunkedTranscriptionReport,
  type LongAudioOptions,
} from './transcribe/chunked.js';
export { type LocalWhisperOptions, loadLocalWhisper } from './transcribe/local-whisper.js';
export { measureSpeechCoverage, type SpeechCoverage } from './transcribe/speech-coverage.js';
export { type TranscribeAudioOptions, transcribeAudio } from './transcribe/transcribe-audio.js';
export { createTranscribeStage, type TranscribeStageOptions } from './transcribe/transcribe-stage.js';

export { ECHOLENS_VERSION } from './version.js';
