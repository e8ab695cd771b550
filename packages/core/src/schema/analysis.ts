import { CallMetadataSchema, TimeSpanSchema } from '@echolens/provider';
import { z } from 'zod';
import { EvidenceSchema, InsightsSchema } from './insights.js';
import { CallMetricsSchema } from './metrics.js';

export const AdapterRefSchema = z.object({ provider: z.string(), modelId: z.string() });
export type AdapterRef = z.infer<typeof AdapterRefSchema>;

export const CacheStatusSchema = z.enum(['hit', 'miss', 'off']);

export const UsageSchema = z.object({
  /** Requests actually sent to a language model for this call (0 on a cache hit). */
  llmRequests: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** From the model's published per-token prices when known; 0 for local models. */
  estimatedCostUsd: z.number().nonnegative(),
  /** Seconds of audio sent to a hosted speech-to-text API. */
  hostedAudioSec: z.number().nonnegative().default(0),
});
export type Usage = z.infer<typeof UsageSchema>;

/** A part of the result that fell back to a weaker method, and why. */
export const DegradedSchema = z.object({ field: z.string(), reason: z.string() });
export type Degraded = z.infer<typeof DegradedSchema>;

/** Where every part of a result came from, so numbers can be trusted and reproduced. */
export const ProvenanceSchema = z.object({
  echolensVersion: z.string(),
  analyzedAt: z.string(),
  adapters: z.object({
    speechToText: AdapterRefSchema.optional(),
    languageModel: AdapterRefSchema.optional(),
    vad: z.string().optional(),
    diarizer: z.string().optional(),
  }),
  cache: z.object({ transcript: CacheStatusSchema.optional(), analysis: CacheStatusSchema.optional() }),
  /**
   * Present when a long recording was transcribed in checkpointed chunks: how many, and how many
   * were taken from checkpoints of an earlier, interrupted run instead of being transcribed again.
   */
  transcription: z
    .object({ chunks: z.number().int().positive(), chunksResumed: z.number().int().nonnegative() })
    .optional(),
  usage: UsageSchema,
  /**
   * Share of the detected speech (voiced seconds) that the transcript's words account for, 0-1; the
   * rest is listed in the transcript's `unintelligible` spans. Absent for text-only conversations.
   */
  speechCoverage: z.number().min(0).max(1).optional(),
  /** Wall-clock milliseconds per stage. */
  timingsMs: z.record(z.string(), z.number().nonnegative()),
  degraded: z.array(DegradedSchema),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** A user-defined category that fired on the call, with the turns (and times) that made it fire. */
export const CategoryMatchSchema = z.object({
  id: z.string(),
  evidence: z.array(EvidenceSchema),
  /** Silences or interruptions that made it fire, on the call's timeline. */
  spans: z.array(TimeSpanSchema),
});
export type CategoryMatch = z.infer<typeof CategoryMatchSchema>;

export const CallAnalysisSchema = z.object({
  schemaVersion: z.literal(1),
  callId: z.string(),
  metadata: CallMetadataSchema,
  metrics: CallMetricsSchema,
  /**
   * Always present: the offline analyzer fills it when no language model is configured or the model
   * fails (then `provenance.degraded` says why).
   */
  insights: InsightsSchema,
  /** Categories that fired, when category rules were given (see `CategoryRule`). */
  categories: z.array(CategoryMatchSchema).optional(),
  provenance: ProvenanceSchema,
});
export type CallAnalysis = z.infer<typeof CallAnalysisSchema>;
