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

/** Describes headerless audio: without it raw bytes cannot be told from noise. */
export const RawAudioFormatSchema = z.object({
  sampleRate: z.number().int().min(1000).max(384_000),
  encoding: RawEncodingSchema,
  channels: z.number().int().min(1).max(32).default(1),
});
export type RawAudioFormat = z.input<typeof RawAudioFormatSchema>;
