import type { EventEmitter } from 'eventemitter3';
import type { CallJobData, CallJobResult, CallProgress } from '../queue-contract.js';

/** Why a job failed, as stored with the call and shown to the user. */
export interface JobFailure {
  code: string;
  message: string;
}

export interface WorkQueueEvents {
  progress: (jobId: string, progress: CallProgress) => void;
  completed: (jobId: string, result: CallJobResult) => void;
  failed: (jobId: string, failure: JobFailure) => void;
}

/**
 * What happened to a submitted job: queued now, joined to the same work already queued or running, or
 * found finished (a BullMQ job with this content id completed before; its result is reused).
 */
export type SubmitOutcome = { state: 'queued' | 'joined' } | { state: 'completed'; result: CallJobResult };

/** Where the server sends work: in this process, or to the worker fleet through BullMQ. */
export interface WorkQueue extends EventEmitter<WorkQueueEvents> {
  readonly kind: 'in-process' | 'redis';
  submit(jobId: string, data: CallJobData): Promise<SubmitOutcome>;
  /** Jobs this process is running now. */
  running(): number;
  isReady(): Promise<boolean>;
  /**
   * Stops taking work, waits up to `graceMs` for the jobs in hand, and returns the ids of those it had to
   * give back (they are picked up again at the next start, or by another worker).
   */
  close(graceMs: number): Promise<{ returned: string[] }>;
}
