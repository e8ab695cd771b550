import { RoleSchema, SecondsSchema, TimeSpanSchema, WordSchema } from '@echolens/provider';
import { z } from 'zod';

export const SpeakerSchema = z.object({
  /** `agent`, `customer`, or `spk_N` when the role is not known. */
  id: z.string(),
  role: RoleSchema,
  channel: z.number().int().nonnegative().optional(),
  /** How sure the role assignment is, 0-1 (1 for roles given by channel metadata). */
  roleConfidence: z.number().min(0).max(1).optional(),
  /** Where the role came from. */
  roleSource: z.enum(['metadata', 'cues', 'input', 'none']).optional(),
});
export type Speaker = z.infer<typeof SpeakerSchema>;

export const TurnSchema = z.object({
  /** Stable within the call (`t1`, `t2`, …); evidence points at these. */
  id: z.string(),
  speaker: z.string(),
  role: RoleSchema,
  /** Absent for text-only conversations (chat logs) that have no timing. */
  startSec: SecondsSchema.optional(),
  endSec: SecondsSchema.optional(),
  text: z.string(),
  channel: z.number().int().nonnegative().optional(),
  words: z.array(WordSchema).optional(),
});
export type Turn = z.infer<typeof TurnSchema>;

/** One stretch of one speaker's voice, measured on the audio whether or not words were recognised in it. */
export const SpeakerActivitySchema = TimeSpanSchema.extend({
  /** One of `speakers[].id`. */
  speaker: z.string(),
});
export type SpeakerActivity = z.infer<typeof SpeakerActivitySchema>;

export const ConversationSchema = z.object({
  callId: z.string(),
  language: z.string().optional(),
  /** Absent for text-only conversations. */
  durationSec: SecondsSchema.optional(),
  speakers: z.array(SpeakerSchema),
  /** In time order. */
  turns: z.array(TurnSchema),
  /**
   * Who is heard when, from the audio (the diarizer's speech segments), in time order; segments of
   * different speakers overlap where people talk at once. Talk time, overlap, interruptions and silences
   * are measured on it when present, because the recogniser can miss or garble speech that was there.
   * Absent for text-only conversations and when no diarizer ran; empty when the audio had no voice.
   */
  activity: z.array(SpeakerActivitySchema).optional(),
});
export type Conversation = z.infer<typeof ConversationSchema>;
