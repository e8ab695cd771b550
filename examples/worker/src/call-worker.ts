import type { Pipeline, Storage } from '@echolens/core';
import { processCallJob } from '@echolens/example-express-server/jobs';
import {
  CALL_QUEUE_NAME,
  type CallJobData,
  CallJobDataSchema,
  type CallJobResult,
  type CallProgress,
  failureReason,
} from '@echolens/example-express-server/queue-contract';
import type { Logger } from '@echolens/provider';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobError } from './job-errors.js';
import { type JobUsage, withUsage } from './job-usage.js';

export interface CallWorkerOptions {
  /** A connection made for BullMQ (`maxRetriesPerRequest: null`); the caller closes it after `close()`. */
  connection: Redis;
  pipeline: Pipeline;
  storage: Storage;
  logger: Logger & { child(bindings: Record<string, unknown>): Logger };
  name: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

/** Progress moves of less than this are not sent (each one is a Redis write and an event to the server). */
const PROGRESS_STEP = 0.02;
/**
 * How many times a job may lose its worker (killed, or too busy to renew its lock) and be put back before
 * it is failed as stalled: a crash is survived, a recording that crashes every worker does not go round forever.
 */
const MAX_STALLED = 2;

/**
 * One worker process's share of the fleet: takes jobs from the queue `echolens-calls`, runs each through
 * the server's own `processCallJob` (the same code as the server's in-process mode), reports progress, and
 * fails bad input at once while what may pass is retried with backoff. A job whose lock this worker loses
 * is stopped, since another worker now owns it: the same paid work never runs twice at once.
 */
export class CallWorker {
  readonly worker: Worker<CallJobData, CallJobResult>;
  private shuttingDown = false;
  private readonly returned: string[] = [];

  constructor(private readonly options: CallWorkerOptions) {
    const { logger } = options;
    this.worker = new Worker<CallJobData, CallJobResult>(
      CALL_QUEUE_NAME,
      (job, token, signal) => this.process(job, token, signal),
      {
        connection: options.connection,
        name: options.name,
        concurrency: options.concurrency,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: MAX_STALLED,
        autorun: false,
      },
    );
    this.worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) {
        logger.error({ jobId }, 'lost the lock of a job (another worker may take it): stopping it here');
        this.worker.cancelJob(jobId, 'lock lost');
      }
    });
    this.worker.on('stalled', (jobId) =>
      logger.warn({ jobId }, 'a job whose worker stopped answering was put back in the queue'),
    );
    this.worker.on('error', (error) => logger.error({ error: error.message }, 'worker error'));
  }

  /** Starts taking jobs; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  private async process(
    job: Job<CallJobData, CallJobResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<CallJobResult> {
    const parsed = CallJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        failureReason({
          code: 'invalid_input',
          message: `job data breaks the queue contract: ${parsed.error.message}`,
        }),
      );
    }
    const data = parsed.data;
    const jobId = job.id ?? '';
    const log = this.options.logger.child({ jobId, callId: data.callId });
    const usage: JobUsage = { jobId, callId: data.callId, speechToTextRequests: 0, speechToTextAudioSec: 0 };
    log.info({ name: data.name, until: data.until, attempt: job.attemptsMade + 1 }, 'job started');
    try {
      const result = await withUsage(usage, () =>
        processCallJob(data, {
          pipeline: this.options.pipeline,
          storage: this.options.storage,
          ...(signal ? { signal } : {}),
          onProgress: progressSender(job, log),
        }),
      );
      log.info(
        {
          speechToTextRequests: usage.speechToTextRequests,
          speechToTextAudioSec: Math.round(usage.speechToTextAudioSec * 10) / 10,
        },
        'job completed',
      );
      return result;
    } catch (error) {
      if (this.shuttingDown && signal?.aborted && token) {
        // Given back, not failed: no attempt is used up, and any worker (this one after a restart) takes it.
        await job.moveToWait(token);
        this.returned.push(jobId);
        log.warn('job given back to the queue at shutdown');
        throw new WaitingError();
      }
      const failure = jobError(error);
      const retried =
        !(failure instanceof UnrecoverableError) && job.attemptsMade + 1 < (job.opts.attempts ?? 1);
      log.warn({ reason: failure.message, retried }, 'job attempt failed');
      throw failure;
    }
  }

  /**
   * Graceful stop: no new jobs; the jobs in hand get `graceMs` to finish, then are stopped and given back
   * to the queue for another worker. Resolves with the ids of the jobs given back.
   */
  async close(graceMs: number): Promise<{ returned: string[] }> {
    this.shuttingDown = true;
    const timer = setTimeout(() => this.worker.cancelAllJobs('shutdown'), graceMs);
    try {
      await this.worker.close();
    } finally {
      clearTimeout(timer);
    }
    return { returned: [...this.returned] };
  }
}

/** Sends a job's progress to the queue (and so to the server), when the stage changes or it moved enough. */
function progressSender(job: Job, log: Logger): (progress: CallProgress) => void {
  let last: CallProgress | undefined;
  return (progress) => {
    const moved = last === undefined || last.stage !== progress.stage || progress.fraction >= 1;
    if (!moved && progress.fraction - (last as CallProgress).fraction < PROGRESS_STEP) return;
    if (last?.stage !== progress.stage) log.debug({ stage: progress.stage }, 'stage started');
    last = progress;
    job
      .updateProgress(progress)
      .catch((error: Error) => log.warn({ error: error.message }, 'progress not sent'));
  };
}
