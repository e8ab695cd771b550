import { TranscriptSchema } from '@echolens/provider';
import { z } from 'zod';
import { CallAnalysisSchema } from './analysis.js';
import { ConversationSchema } from './conversation.js';
import { PreparedAudioInfoSchema } from './prepared-audio.js';

/** Everything the pipeline learned about one call: what `echolens analyze` writes as `<name>.json`. */
export const CallResultSchema = z.object({
  callId: z.string(),
  /** The input's name (file name, URL, storage key). */
  name: z.string(),
  /** Absent when the call was analysed from text (a transcript or chat log). */
  audio: PreparedAudioInfoSchema.optional(),
  transcript: TranscriptSchema.optional(),
  conversation: ConversationSchema,
  analysis: CallAnalysisSchema,
});
export type CallResult = z.infer<typeof CallResultSchema>;
