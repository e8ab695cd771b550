import { deleteChunkInputs, type Pipeline, type PreparedAudio, type Storage } from '@echolens/core';
import { callJobInput, processCallJob } from '@echolens/example-express-server/jobs';
import {
  CALL_QUEUE_NAME,
  type CallJobData,
  CallJobDataSchema,
  type CallJobResult,
  type CallProgress,
  failureReason,
} from '@echolens/example-express-server/queue-contract';
import type { Logger } from '@echolens/provider';
import { Job, Queue, UnrecoverableError, WaitingChildrenError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  CHUNK_JOB_OPTIONS,
  CHUNK_QUEUE_NAME,
  type ChunkJobData,
  ChunkJobDataSchema,
  chunkJobId,
} from './chunk-jobs.js';
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
  /** Spread the chunks of a long recording over the fleet (default true); see `fanOut`. */
  fleetChunks?: boolean;
}

/** What a chunk job returns. */
interface ChunkJobResult {
  index: number;
  status: 'completed' | 'resumed';
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
  /** Takes the chunk jobs of long recordings (any worker's), beside the call jobs. */
  readonly chunkWorker: Worker<ChunkJobData, ChunkJobResult>;
  private readonly chunkQueue: Queue<ChunkJobData, ChunkJobResult>;
  private readonly callQueue: Queue<CallJobData, CallJobResult>;
  private shuttingDown = false;
  private readonly returned: string[] = [];

  constructor(private readonly options: CallWorkerOptions) {
    const { logger } = options;
    const settings = {
      connection: options.connection,
      name: options.name,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
      autorun: false,
    };
    this.worker = new Worker<CallJobData, CallJobResult>(
      CALL_QUEUE_NAME,
      (job, token, signal) => this.process(job, token, signal),
      settings,
    );
    this.chunkWorker = new Worker<ChunkJobData, ChunkJobResult>(
      CHUNK_QUEUE_NAME,
      (job, token, signal) => this.processChunk(job, token, signal),
      settings,
    );
    this.chunkQueue = new Queue(CHUNK_QUEUE_NAME, { connection: options.connection });
    this.callQueue = new Queue(CALL_QUEUE_NAME, { connection: options.connection });
    for (const worker of [this.worker, this.chunkWorker] as Worker[]) {
      worker.on('lockRenewalFailed', (jobIds) => {
        for (const jobId of jobIds) {
          logger.error({ jobId }, 'lost the lock of a job (another worker may take it): stopping it here');
          worker.cancelJob(jobId, 'lock lost');
        }
      });
      worker.on('stalled', (jobId) =>
        logger.warn({ jobId }, 'a job whose worker stopped answering was put back in the queue'),
      );
      worker.on('error', (error) => logger.error({ error: error.message }, 'worker error'));
    }
    this.chunkWorker.on('completed', (job) => void this.reportChunkProgress(job));
  }

  /** Starts taking jobs; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run();
    void this.chunkWorker.run();
    await Promise.all([this.worker.waitUntilReady(), this.chunkWorker.waitUntilReady()]);
  }

  /**
   * A long recording's job, the first time a worker takes it: the recording is prepared once and its
   * chunks exported to the shared storage (`pipeline.splitLongAudio`, which also transcribes the chunk
   * that decides the language when none is forced), one child job per chunk still to transcribe is added
   * to `echolens-chunks`, and the job waits for them. Taken again once they are done (or one failed), it
   * goes on with the ordinary pipeline, which finds every chunk in its checkpoint and merges them.
   * Says whether the job now waits for its chunks; when the recording was not split, hands over the audio
   * the check prepared, so the job's run does not prepare it again.
   */
  private async fanOut(
    job: Job<CallJobData, CallJobResult>,
    token: string,
    data: CallJobData,
    log: Logger,
    signal: AbortSignal | undefined,
  ): Promise<{ waiting: boolean; prepared?: PreparedAudio }> {
    const failures = Object.values(await job.getIgnoredChildrenFailures());
    if (failures.length > 0) {
      const marked = job.data as CallJobData & { chunkFailure?: string };
      if (!marked.chunkFailure) {
        // The chunk used up its own attempts: the call fails with the chunk's reason (already in the
        // contract's `code: message` form), and no attempt of the call is spent retrying it.
        await job.updateData({ ...job.data, chunkFailure: failures[0] as string } as CallJobData);
        throw new UnrecoverableError(failures[0] as string);
      }
      // Put back by hand after a chunk failed: this worker transcribes the chunks still missing itself
      // (the completed ones are taken from their checkpoints), rather than split again.
      return { waiting: false };
    }
    const children = await job.getDependenciesCount();
    if ((children.processed ?? 0) + (children.unprocessed ?? 0) > 0) {
      // Split before (this delivery is the one after the chunks, or a re-delivery after a crash).
      return { waiting: (children.unprocessed ?? 0) > 0 && (await job.moveToWaitingChildren(token)) };
    }
    const { split, prepared } = await this.options.pipeline.splitLongAudio(callJobInput(data), {
      ...(signal ? { signal } : {}),
      keepPrepared: true,
      onChunk: (chunk) =>
        log.info({ chunk: chunk.index, count: chunk.count, status: chunk.status }, 'chunk completed'),
    });
    if (!split) return prepared ? { waiting: false, prepared } : { waiting: false };
    const pending = split.chunks.filter((chunk) => chunk.status === 'pending');
    // Every chunk done already (the split transcribed the only one left): straight on to the merge.
    if (pending.length === 0) return { waiting: false };
    const count = split.chunks.length;
    await this.chunkQueue.addBulk(
      pending.map((chunk) => ({
        name: 'chunk',
        data: { callId: data.callId, name: data.name, index: chunk.index, count },
        opts: {
          ...CHUNK_JOB_OPTIONS,
          jobId: chunkJobId(job.id ?? '', data.callId, split.fingerprint, chunk.index),
          parent: { id: job.id ?? '', queue: job.queueQualifiedName },
        },
      })),
    );
    log.info({ chunks: count, spread: pending.length }, 'long recording split: its chunks go to the fleet');
    await job
      .updateProgress({
        callId: data.callId,
        status: 'transcribing',
        stage: 'transcribe',
        fraction: (count - pending.length) / count,
      } satisfies CallProgress)
      .catch(() => {});
    return { waiting: await job.moveToWaitingChildren(token) };
  }

  /** One chunk of a long recording, transcribed into its checkpoint in the shared storage. */
  private async processChunk(
    job: Job<ChunkJobData, ChunkJobResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ) {
    const parsed = ChunkJobDataSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        failureReason({ code: 'invalid_input', message: `chunk job data: ${parsed.error.message}` }),
      );
    }
    const { callId, index, count } = parsed.data;
    const jobId = job.id ?? '';
    const log = this.options.logger.child({ jobId, callId, chunk: index });
    const usage: JobUsage = { jobId, callId, speechToTextRequests: 0, speechToTextAudioSec: 0 };
    log.info({ name: parsed.data.name, count, attempt: job.attemptsMade + 1 }, 'chunk started');
    try {
      const result = await withUsage(usage, () =>
        this.options.pipeline.transcribeChunk(callId, index, signal ? { signal } : {}),
      );
      log.info(
        { count, status: result.status, speechToTextRequests: usage.speechToTextRequests },
        'chunk completed',
      );
      return { index, status: result.status };
    } catch (error) {
      if (this.shuttingDown && signal?.aborted && token) {
        // Like a call job: given back at shutdown, no attempt used up; its checkpoint says it is not done.
        await job.moveToWait(token);
        log.warn('chunk given back to the queue at shutdown');
        throw new WaitingError();
      }
      const failure = jobError(error);
      log.warn({ reason: failure.message }, 'chunk attempt failed');
      throw failure;
    }
  }

  /** The parent's progress: the share of its chunks done, whichever worker did them. */
  private async reportChunkProgress(job: Job<ChunkJobData, ChunkJobResult>) {
    try {
      const parentId = job.parent?.id;
      if (!parentId) return;
      const parent = await Job.fromId<CallJobData, CallJobResult>(this.callQueue, parentId);
      if (!parent) return;
      const { unprocessed = 0 } = await parent.getDependenciesCount({ unprocessed: true });
      const { count, callId } = job.data;
      await parent.updateProgress({
        callId,
        status: 'transcribing',
        stage: 'transcribe',
        fraction: Math.min(1, Math.max(0, (count - unprocessed) / count)),
      } satisfies CallProgress);
    } catch (error) {
      this.options.logger.warn({ error: (error as Error).message }, 'chunk progress not sent');
    }
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
      // Counted like the job's own work: the split may transcribe the chunk that decides the language.
      const fleet =
        this.options.fleetChunks !== false && token
          ? await withUsage(usage, () => this.fanOut(job, token, data, log, signal))
          : { waiting: false };
      if (fleet.waiting) {
        log.info('job waiting for its chunks');
        throw new WaitingChildrenError();
      }
      const result = await withUsage(usage, () =>
        processCallJob(data, {
          pipeline: this.options.pipeline,
          storage: this.options.storage,
          ...(signal ? { signal } : {}),
          ...(fleet.prepared ? { prepared: fleet.prepared } : {}),
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
      if (this.options.fleetChunks !== false)
        await deleteChunkInputs(this.options.storage, data.callId).catch(() => {});
      return result;
    } catch (error) {
      if (error instanceof WaitingChildrenError) throw error; // waiting for its chunks is no failure
      if (this.shuttingDown && signal?.aborted && token) {
        // Given back, not failed: no attempt is used up, and any worker (this one after a restart) takes it.
        await job.moveToWait(token);
        this.returned.push(jobId);
        log.warn('job given back to the queue at shutdown');
        throw new WaitingError();
      }
      // A failed chunk's reason (an UnrecoverableError from `fanOut`) is already in the contract's form.
      const failure = error instanceof UnrecoverableError ? error : jobError(error);
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
    const timer = setTimeout(() => {
      this.worker.cancelAllJobs('shutdown');
      this.chunkWorker.cancelAllJobs('shutdown');
    }, graceMs);
    try {
      await Promise.all([this.worker.close(), this.chunkWorker.close()]);
      await Promise.all([this.chunkQueue.close(), this.callQueue.close()]);
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
