import { z } from 'zod';
import { SecondsSchema } from './common.js';

export const WordSchema = z.object({
  startSec: SecondsSchema,
  endSec: SecondsSchema,
  text: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  /** Speaker of this word when diarization assigns per word. */
  speaker: z.string().optional(),
});
export type Word = z.infer<typeof WordSchema>;

export const SegmentSchema = z.object({
  id: z.string(),
  startSec: SecondsSchema,
  endSec: SecondsSchema,
  text: z.string(),
  /** Source channel for multi-channel audio (0-based). */
  channel: z.number().int().nonnegative().optional(),
  speaker: z.string().optional(),
  words: z.array(WordSchema).optional(),
  /** 0-1, from the model's token probabilities when it exposes them. */
  confidence: z.number().min(0).max(1).optional(),
});
export type Segment = z.infer<typeof SegmentSchema>;

/**
 * A stretch of detected speech (voice activity) that the recogniser left without words: speech too
 * distorted, quiet or garbled to transcribe, or text the hallucination guards refused. Reported, so
 * that no speech leaves the transcript silently.
 */
export const UnintelligibleSpanSchema = z.object({
  startSec: SecondsSchema,
  endSec: SecondsSchema,
  /** Source channel for multi-channel audio (0-based). */
  channel: z.number().int().nonnegative().optional(),
});
export type UnintelligibleSpan = z.infer<typeof UnintelligibleSpanSchema>;

export const TranscriptSchema = z.object({
  language: z.string(),
  durationSec: SecondsSchema,
  segments: z.array(SegmentSchema),
  /** Detected speech without words, in time order (absent when the transcript did not come from audio). */
  unintelligible: z.array(UnintelligibleSpanSchema).optional(),
  /** Share of the detected speech (voiced seconds) that the words account for, 0-1. */
  speechCoverage: z.number().min(0).max(1).optional(),
});
export type Transcript = z.infer<typeof TranscriptSchema>;
