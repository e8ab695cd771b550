import { RoleSchema, SecondsSchema, TimeSpanSchema } from '@echolens/provider';
import { z } from 'zod';

/** Per-speaker figures: times from the conversation's voice activity when present, else turn and word timings. */
export const SpeakerMetricsSchema = z.object({
  speaker: z.string(),
  role: RoleSchema,
  talkTimeSec: SecondsSchema,
  /** Share of all talk time in the call, 0-1. */
  talkRatio: z.number().min(0).max(1),
  turnCount: z.number().int().nonnegative(),
  wordCount: z.number().int().nonnegative(),
  /** Words per minute over the time this speaker's words span (word timings, else turns; 0 without words). */
  wordsPerMinute: z.number().nonnegative(),
  /** Seconds in which this speaker talks while someone else talks too. */
  overlapSec: SecondsSchema,
  /** Times this speaker started talking (not a short backchannel) while another speaker was talking. */
  interruptionsMade: z.number().int().nonnegative(),
  /** Times another speaker started talking (not a backchannel) while this speaker was talking. */
  interruptionsReceived: z.number().int().nonnegative(),
  /** Longest single turn of this speaker, seconds. */
  longestMonologueSec: SecondsSchema,
});
export type SpeakerMetrics = z.infer<typeof SpeakerMetricsSchema>;

/** Stretches in which nobody talks, beyond a threshold. */
export const SilenceSummarySchema = z.object({
  /** Only gaps at least this long are listed and counted. */
  thresholdSec: SecondsSchema,
  count: z.number().int().nonnegative(),
  totalSec: SecondsSchema,
  instances: z.array(TimeSpanSchema),
});
export type SilenceSummary = z.infer<typeof SilenceSummarySchema>;

export const InterruptionPairSchema = z.object({
  interrupter: z.string(),
  interrupted: z.string(),
  count: z.number().int().positive(),
});

export const ResponseLatencySchema = z.object({
  /** `agent-after-customer` when roles are known, else every change of speaker. */
  basis: z.enum(['agent-after-customer', 'speaker-change']),
  /** Replies measured. */
  count: z.number().int().nonnegative(),
  /** Median gap between the end of a turn and the start of the reply (0 when the reply overlapped). */
  medianSec: SecondsSchema,
  /** 90th percentile of the same gaps (nearest rank). */
  p90Sec: SecondsSchema,
});
export type ResponseLatency = z.infer<typeof ResponseLatencySchema>;

/** Loudness over time, measured on the audio (absent for text-only conversations). */
export const LoudnessTimelineSchema = z.object({
  /** Per channel, RMS level of every whole second, dBFS (digital silence reported as -120). */
  perSecondDbfs: z.array(z.array(z.number())),
  /**
   * Seconds standing out: at least 10 dB above the channel's median speech level, loudest first
   * (at most 10 per channel) — raised voices, shouting, clipping.
   */
  peaks: z.array(
    z.object({ channel: z.number().int().nonnegative(), timeSec: SecondsSchema, dbfs: z.number() }),
  ),
});
export type LoudnessTimeline = z.infer<typeof LoudnessTimelineSchema>;

/** Deterministic metrics: the same timings always give the same numbers, no model involved. */
export const CallMetricsSchema = z.object({
  durationSec: SecondsSchema,
  /** Time in which at least one speaker talks (overlaps counted once). */
  talkTimeSec: SecondsSchema,
  /** Time in which nobody talks: duration minus talk time. */
  nonTalkTimeSec: SecondsSchema,
  nonTalkRatio: z.number().min(0).max(1),
  speakers: z.array(SpeakerMetricsSchema),
  /** Gaps between talk (voice activity, else the turns) at least `thresholdSec` long, inside the conversation. */
  nonTalk: SilenceSummarySchema,
  /**
   * Hold / dead air: silence on every channel at least `thresholdSec` long, inside the conversation.
   * `audio`: no voice in the VAD speech regions or the diarized voice activity; `turns`: no turn.
   */
  deadAir: SilenceSummarySchema.extend({ source: z.enum(['audio', 'turns']) }),
  /** Time in which two or more speakers talk at once. */
  overlapSec: SecondsSchema,
  interruptions: z.object({ count: z.number().int().nonnegative(), pairs: z.array(InterruptionPairSchema) }),
  /** Absent when nobody replied to anybody (one speaker, or no timings). */
  responseLatency: ResponseLatencySchema.optional(),
  /** The longest single turn of the call. */
  longestMonologue: z
    .object({ speaker: z.string(), startSec: SecondsSchema, durationSec: SecondsSchema })
    .optional(),
  loudness: LoudnessTimelineSchema.optional(),
});
export type CallMetrics = z.infer<typeof CallMetricsSchema>;
