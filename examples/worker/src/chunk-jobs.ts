import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The fleet's second queue: one job per chunk of a long recording, added by the worker that took the
 * call's job (the parent) and taken by any worker. Workers alone use it; the server never sees it.
 */
export const CHUNK_QUEUE_NAME = 'echolens-chunks';

const DAY_SEC = 24 * 3600;

/**
 * Three attempts with backoff like a call job. A chunk whose last attempt fails moves its parent on
 * (`continueParentOnFailure`) instead of leaving it waiting forever; the parent then fails with the
 * chunk's reason. Finished chunk jobs are kept a day: the parent reads its children's state only while
 * it runs, and the checkpoints in storage are the lasting record.
 */
export const CHUNK_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  continueParentOnFailure: true,
  removeOnComplete: { age: DAY_SEC },
  removeOnFail: { age: 7 * DAY_SEC },
} as const satisfies JobsOptions;

export const ChunkJobDataSchema = z.object({
  callId: z.string().min(1),
  /** The recording's name, for logs. */
  name: z.string().min(1),
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
});
export type ChunkJobData = z.infer<typeof ChunkJobDataSchema>;

/**
 * A chunk job's id: its parent job, the chunk plan's fingerprint (audio, model, settings, chunking) and
 * the chunk's index. A re-delivered parent adding its children again adds none twice; another plan of
 * the same call (other settings) makes other jobs. BullMQ ids must not contain ':'.
 */
export function chunkJobId(parentJobId: string, callId: string, fingerprint: string, index: number): string {
  const digest = createHash('sha256').update(`${parentJobId}\n${callId}\n${fingerprint}`).digest('hex');
  return `chunk-${digest.slice(0, 32)}-${index}`;
}
