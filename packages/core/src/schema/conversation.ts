import { z } from 'zod';
import { RoleSchema, SecondsSchema } from './common.js';
import { WordSchema } from './transcript.js';

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

export const ConversationSchema = z.object({
  callId: z.string(),
  language: z.string().optional(),
  /** Absent for text-only conversations. */
  durationSec: SecondsSchema.optional(),
  speakers: z.array(SpeakerSchema),
  /** In time order. */
  turns: z.array(TurnSchema),
});
export type Conversation = z.infer<typeof ConversationSchema>;
