import { z } from 'zod';
import { RoleSchema } from './common.js';

/**
 * The role of each channel of a multi-channel recording, keyed by 0-based channel index:
 * `{ "0": "agent", "1": "customer" }` for the usual contact-center stereo file (agent left).
 */
export const ChannelRolesSchema = z.record(z.string().regex(/^\d+$/), RoleSchema);
export type ChannelRoles = z.infer<typeof ChannelRolesSchema>;

/**
 * What the caller knows about a call. Unknown keys are kept, so products can carry their own
 * identifiers through the pipeline into the results.
 */
export const CallMetadataSchema = z.looseObject({
  callId: z.string().min(1).optional(),
  agentId: z.string().optional(),
  customerId: z.string().optional(),
  /** ISO 8601 timestamp of when the call started. */
  startedAt: z.string().optional(),
  /** Role of each channel of a multi-channel recording; overrides the pipeline's `channelRoles`. */
  channelRoles: ChannelRolesSchema.optional(),
  /** BCP-47 / ISO 639-1 language code when known (skips language detection). */
  language: z.string().optional(),
  tags: z.array(z.string()).optional(),
});
export type CallMetadata = z.infer<typeof CallMetadataSchema>;

/** Sample encodings accepted for headerless raw PCM input. */
export const RawEncodingSchema = z.enum([
  'pcm_u8',
  'pcm_s8',
  'pcm_s16le',
  'pcm_s16be',
  'pcm_s24le',
  'pcm_s32le',
  'pcm_f32le',
  'pcm_f64le',
  'mulaw',
  'alaw',
]);
export type RawEncoding = z.infer<typeof RawEncodingSchema>;

/**
 * What a recording's header may declare before EchoLens refuses it as corrupt or hostile.
 * - Sample rate 2,000–384,000 Hz: below 2 kHz nothing of speech survives (its band starts at about
 *   300 Hz and needs ~3.4 kHz for intelligibility, so even 8 kHz telephony is far above), and such a rate
 *   makes a small file decode into hours (a 32 KB file declaring 1 Hz is 4.4 hours); 384 kHz is the
 *   highest rate studio converters record (DXD and "768 kHz" marketing aside).
 * - At most 32 channels: every channel is resampled, measured and stored on its own, so the count
 *   multiplies memory and work; call recorders use 1–2, conference bridges and multitrack loggers well
 *   under 32 (the 65,535 a WAV header can declare would be 65,535 decoders).
 */
export const AUDIO_LIMITS = {
  minSampleRate: 2_000,
  maxSampleRate: 384_000,
  maxChannels: 32,
} as const;

/** Describes headerless audio: without it raw bytes cannot be told from noise. */
export const RawAudioFormatSchema = z.object({
  sampleRate: z.number().int().min(AUDIO_LIMITS.minSampleRate).max(AUDIO_LIMITS.maxSampleRate),
  encoding: RawEncodingSchema,
  channels: z.number().int().min(1).max(AUDIO_LIMITS.maxChannels).default(1),
});
export type RawAudioFormat = z.input<typeof RawAudioFormatSchema>;
