import { TimeSpanSchema } from '@echolens/provider';
import { z } from 'zod';

/** Audio formats EchoLens recognises from the bytes (never from the file name). */
export const AudioFormatSchema = z.enum(['wav', 'mp3', 'ogg', 'flac', 'mp4', 'webm', 'aac', 'raw', 'other']);
export type AudioFormat = z.infer<typeof AudioFormatSchema>;

export const AudioSourceInfoSchema = z.object({
  /** File name, URL, storage key or a caller-given name; used in errors and output file names. */
  name: z.string(),
  format: AudioFormatSchema,
  /** Codec inside the container, e.g. `pcm_s16le`, `mulaw`, `mp3`, `vorbis`, `opus`, `flac`, `aac`. */
  codec: z.string().optional(),
  sampleRate: z.number().int().positive(),
  channelCount: z.number().int().positive(),
  byteLength: z.number().int().nonnegative(),
  /** SHA-256 of the input bytes: the audio half of every cache key. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** How it was decoded: `builtin` (pure JS / WASM) or `ffmpeg`. */
  decoder: z.enum(['builtin', 'ffmpeg']),
  /**
   * Audio the decoder could not read faithfully but kept going past: damaged frames skipped, NaN or
   * infinite samples read as silence. Absent when there was none; the pipeline also lists each in
   * `provenance.degraded` (field `audio.source`).
   */
  decodeWarnings: z.array(z.string()).optional(),
});
export type AudioSourceInfo = z.infer<typeof AudioSourceInfoSchema>;

export const ChannelLoudnessSchema = z.object({
  channel: z.number().int().nonnegative(),
  /** Sample peak before normalisation, dBFS (-Infinity is reported as -120). */
  peakDbfs: z.number(),
  /** RMS over the whole channel before normalisation, dBFS. */
  rmsDbfs: z.number(),
  /** Gain applied when the audio is read back for analysis (0 = untouched). */
  gainDb: z.number(),
});
export type ChannelLoudness = z.infer<typeof ChannelLoudnessSchema>;

export const SpeechRegionSchema = TimeSpanSchema.extend({
  /** Mean speech probability (Silero) or normalised energy score (fallback) inside the region. */
  score: z.number().min(0).max(1).optional(),
});
export type SpeechRegion = z.infer<typeof SpeechRegionSchema>;

/**
 * The serialisable description of prepared audio. The samples themselves live in a PcmStore
 * (see `PreparedAudio` in `audio/`), read back in chunks so memory does not grow with call length.
 */
export const PreparedAudioInfoSchema = z.object({
  sampleRate: z.literal(16_000),
  channelCount: z.number().int().positive(),
  durationSec: z.number().nonnegative(),
  source: AudioSourceInfoSchema,
  loudness: z.array(ChannelLoudnessSchema),
  /** Speech regions per channel, in time order. */
  speech: z.array(z.array(SpeechRegionSchema)),
  vad: z.object({
    method: z.enum(['silero', 'energy', 'none']),
    /** Why the energy detector stood in for Silero (its model missing or unloadable), when it did. */
    fallbackReason: z.string().optional(),
  }),
  /** Noise suppression applied to the samples before loudness and VAD; absent when off. */
  denoise: z.enum(['rnnoise']).optional(),
});
export type PreparedAudioInfo = z.infer<typeof PreparedAudioInfoSchema>;
