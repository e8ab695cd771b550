import { z } from 'zod';
import { RoleSchema, SecondsSchema } from './common.js';

/** Per-speaker figures computed from turn and word timings. */
export const SpeakerMetricsSchema = z.object({
  speaker: z.string(),
  role: RoleSchema,
  talkTimeSec: SecondsSchema,
  /** Share of all talk time in the call, 0-1. */
  talkRatio: z.number().min(0).max(1),
  turnCount: z.number().int().nonnegative(),
  wordCount: z.number().int().nonnegative(),
  /** Words per minute of this speaker's own talk time (0 when they did not speak). */
  wordsPerMinute: z.number().nonnegative(),
});
export type SpeakerMetrics = z.infer<typeof SpeakerMetricsSchema>;

/** Deterministic metrics: the same timings always give the same numbers, no model involved. */
export const CallMetricsSchema = z.object({
  durationSec: SecondsSchema,
  /** Time in which at least one speaker talks (overlaps counted once). */
  talkTimeSec: SecondsSchema,
  /** Time in which nobody talks: duration minus talk time. */
  nonTalkTimeSec: SecondsSchema,
  nonTalkRatio: z.number().min(0).max(1),
  speakers: z.array(SpeakerMetricsSchema),
});
export type CallMetrics = z.infer<typeof CallMetricsSchema>;
