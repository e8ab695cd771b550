import { z } from 'zod';

/** Seconds on the call's own timeline (0 = first sample of the recording). */
export const SecondsSchema = z.number().nonnegative();

/** Who a speaker is in the call. `unknown` until diarization or metadata says otherwise. */
export const RoleSchema = z.enum(['agent', 'customer', 'unknown']);
export type Role = z.infer<typeof RoleSchema>;

/** A span of the recording, used for speech regions, evidence and silences. */
export const TimeSpanSchema = z.object({ startSec: SecondsSchema, endSec: SecondsSchema });
export type TimeSpan = z.infer<typeof TimeSpanSchema>;
