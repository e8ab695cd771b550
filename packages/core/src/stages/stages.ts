import type { Cache, CallMetadata, Logger, Transcript } from '@echolens/provider';
import type { AudioInput, PreparedAudio } from '../audio/types.js';
import type { AggregateReport } from '../schema/aggregate.js';
import type { CallAnalysis } from '../schema/analysis.js';
import type { CallResult } from '../schema/call-result.js';
import type { Conversation } from '../schema/conversation.js';

/** What every stage receives besides its input: identity, cancellation, progress, logging, caching. */
export interface StageContext {
  callId: string;
  /** The input's name, for errors and logs. */
  name: string;
  metadata: CallMetadata;
  signal: AbortSignal | undefined;
  logger: Logger;
  /** Undefined when caching is turned off. */
  cache: Cache | undefined;
  /** Report progress within the current stage, 0-1. */
  progress(fraction: number, detail?: string): void;
  /** Record that part of the result fell back to a weaker method. */
  degrade(field: string, reason: string): void;
  /** Facts for the result's provenance (adapter ids, cache hits, token usage), filled in by stages. */
  provenance: StageProvenance;
}

export interface StageProvenance {
  speechToText?: { provider: string; modelId: string };
  languageModel?: { provider: string; modelId: string };
  vad?: string;
  diarizer?: string;
  transcriptCache?: 'hit' | 'miss' | 'off';
  /** Set when a long recording was transcribed in checkpointed chunks. */
  transcription?: { chunks: number; chunksResumed: number };
  /** Share of the detected speech the transcript's words account for (set by the transcribe stage). */
  speechCoverage?: number;
  analysisCache?: 'hit' | 'miss' | 'off';
  usage: {
    llmRequests: number;
    inputTokens: number;
    outputTokens: number;
    estimatedCostUsd: number;
    hostedAudioSec: number;
  };
}

/** What an analyze stage produces; the pipeline adds identity, metadata and provenance around it. */
export type AnalysisBody = Omit<CallAnalysis, 'schemaVersion' | 'callId' | 'metadata' | 'provenance'>;

export type PreprocessStage = (input: AudioInput, context: StageContext) => Promise<PreparedAudio>;
export type TranscribeStage = (audio: PreparedAudio, context: StageContext) => Promise<Transcript>;
export type DiarizeStage = (
  input: { transcript: Transcript; audio: PreparedAudio },
  context: StageContext,
) => Promise<Conversation>;
export type AnalyzeStage = (
  input: { conversation: Conversation; transcript?: Transcript; audio?: PreparedAudio },
  context: StageContext,
) => Promise<AnalysisBody>;
export type AggregateStage = (
  input: { results: CallResult[]; failures: { name: string; error: Error }[] },
  context: { signal: AbortSignal | undefined; logger: Logger },
) => Promise<AggregateReport>;

/** The five stages; pass any subset to `createPipeline({ stages })` to replace the defaults. */
export interface Stages {
  preprocess: PreprocessStage;
  transcribe: TranscribeStage;
  diarize: DiarizeStage;
  analyze: AnalyzeStage;
  aggregate: AggregateStage;
}
