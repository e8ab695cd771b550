import { z } from 'zod';
import { SecondsSchema, TimeSpanSchema } from './common.js';

/** One stretch of one speaker's voice. Segments of different speakers may overlap (people talk at once). */
export const SpeakerSegmentSchema = TimeSpanSchema.extend({
  speaker: z.string(),
  /** Source channel when the recording has one channel per speaker. */
  channel: z.number().int().nonnegative().optional(),
});
export type SpeakerSegment = z.infer<typeof SpeakerSegmentSchema>;

export const DiarizedSpeakerSchema = z.object({
  /** `spk_0`, `spk_1`, … (renamed to roles when a conversation is built). */
  id: z.string(),
  channel: z.number().int().nonnegative().optional(),
  /** Seconds of speech attributed to this speaker. */
  speechSec: SecondsSchema,
});
export type DiarizedSpeaker = z.infer<typeof DiarizedSpeakerSchema>;

/** Who spoke when, independent of any transcript: the output of a `Diarizer`. */
export const DiarizationSchema = z.object({
  durationSec: SecondsSchema,
  speakers: z.array(DiarizedSpeakerSchema),
  /** In time order (by start, then end). */
  segments: z.array(SpeakerSegmentSchema),
  /** Which diarizer produced it, e.g. `echolens/channel`, `echolens/spectral`, `onnx/<model>`. */
  method: z.string(),
  /**
   * What the diarizer could not do as configured (a missing model, a skipped refinement); the pipeline
   * records each in the call's `provenance.degraded`, so a weaker result is never silent.
   */
  warnings: z.array(z.string()).optional(),
});
export type Diarization = z.infer<typeof DiarizationSchema>;
