import type { Logger } from '@echolens/provider';
import { Queue, QueueEvents } from 'bullmq';
import { EventEmitter } from 'eventemitter3';
import { Redis } from 'ioredis';
import {
  CALL_JOB_OPTIONS,
  CALL_QUEUE_NAME,
  type CallJobData,
  CallJobResultSchema,
  CallProgressSchema,
  parseFailureReason,
} from '../queue-contract.js';
import type { SubmitOutcome, WorkQueue, WorkQueueEvents } from './work-queue.js';

/**
 * Work for the worker fleet (examples/worker): jobs on the BullMQ queue `echolens-calls`, their fate
 * followed through QueueEvents. The server runs no jobs itself in this mode.
 */
export class RedisQueue extends EventEmitter<WorkQueueEvents> implements WorkQueue {
  readonly kind = 'redis' as const;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly connections: Redis[],
    private readonly logger: Logger,
  ) {
    super();
    events.on('progress', ({ jobId, data }) => {
      const progress = CallProgressSchema.safeParse(data);
      if (progress.success) this.emit('progress', jobId, progress.data);
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const value: unknown = typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue;
      const result = CallJobResultSchema.safeParse(value);
      if (result.success) this.emit('completed', jobId, result.data);
      else
        this.emit('failed', jobId, {
          code: 'invalid_job_result',
          message: 'the worker returned no result key',
        });
    });
    events.on('failed', ({ jobId, failedReason }) =>
      this.emit('failed', jobId, parseFailureReason(failedReason)),
    );
    events.on('error', (error) => this.logger.warn({ err: error }, 'queue events connection error'));
  }

  static async open(url: string, logger: Logger): Promise<RedisQueue> {
    // BullMQ's blocking reads need retries off per request; commands are retried by reconnecting instead.
    const connection = () => new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
    const queueConnection = connection();
    const eventsConnection = connection();
    await Promise.all([queueConnection.connect(), eventsConnection.connect()]);
    const queue = new Queue(CALL_QUEUE_NAME, { connection: queueConnection });
    const events = new QueueEvents(CALL_QUEUE_NAME, { connection: eventsConnection });
    await events.waitUntilReady();
    return new RedisQueue(queue, events, [queueConnection, eventsConnection], logger);
  }

  async submit(jobId: string, data: CallJobData): Promise<SubmitOutcome> {
    // A known id adds nothing (BullMQ answers with the id alone): what counts is the job as stored. One
    // removed between the two calls (finished and pruned) is added again.
    let job = await this.add(jobId, data);
    job ??= await this.add(jobId, data);
    if (!job) throw new Error(`job ${jobId} could not be added to the queue`);
    const state = await job.getState();
    if (state === 'completed') {
      // Read again: a job read while it was still running has no return value, though it may be done now.
      const done = await this.queue.getJob(jobId);
      const result = CallJobResultSchema.safeParse(done?.returnvalue);
      if (result.success) return { state: 'completed', result: result.data };
    }
    if (state === 'failed') {
      await job.retry('failed');
      return { state: 'queued' };
    }
    return { state: job.data.callId === data.callId ? 'queued' : 'joined' };
  }

  private async add(jobId: string, data: CallJobData) {
    await this.queue.add('call', data, { ...CALL_JOB_OPTIONS, jobId });
    return this.queue.getJob(jobId);
  }

  running(): number {
    return 0;
  }

  async isReady(): Promise<boolean> {
    try {
      return (await this.connections[0]?.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<{ returned: string[] }> {
    await this.events.close();
    await this.queue.close();
    await Promise.all(this.connections.map((connection) => connection.quit().catch(() => undefined)));
    return { returned: [] };
  }
}
