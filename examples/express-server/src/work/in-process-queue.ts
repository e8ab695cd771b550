import { describeError } from '@echolens/provider';
import { EventEmitter } from 'eventemitter3';
import type { CallJobData } from '../queue-contract.js';
import { type ProcessCallOptions, processCallJob } from './process-call.js';
import type { SubmitOutcome, WorkQueue, WorkQueueEvents } from './work-queue.js';

interface Job {
  id: string;
  data: CallJobData;
  controller: AbortController;
  running: boolean;
}

/**
 * The zero-configuration queue: jobs run in this process, at most `concurrency` at once, through the same
 * `processCallJob` the BullMQ workers run. Nothing is kept here that the database does not also know, so a
 * restart loses nothing: unfinished calls are submitted again at start.
 */
export class InProcessQueue extends EventEmitter<WorkQueueEvents> implements WorkQueue {
  readonly kind = 'in-process' as const;
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private active = 0;
  private closing = false;
  private idle: (() => void) | undefined;

  constructor(
    private readonly options: Omit<ProcessCallOptions, 'signal' | 'onProgress'> & { concurrency: number },
  ) {
    super();
  }

  async submit(jobId: string, data: CallJobData): Promise<SubmitOutcome> {
    if (this.jobs.has(jobId)) return { state: 'joined' };
    if (this.closing) throw new Error('the server is shutting down and takes no new work');
    const job: Job = { id: jobId, data, controller: new AbortController(), running: false };
    this.jobs.set(jobId, job);
    this.waiting.push(job);
    this.pump();
    return { state: 'queued' };
  }

  running(): number {
    return this.active;
  }

  async isReady(): Promise<boolean> {
    return !this.closing;
  }

  private pump(): void {
    while (!this.closing && this.active < this.options.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.active++;
      job.running = true;
      void this.execute(job);
    }
  }

  private async execute(job: Job): Promise<void> {
    try {
      const result = await processCallJob(job.data, {
        ...this.options,
        signal: job.controller.signal,
        onProgress: (progress) => this.emit('progress', job.id, progress),
      });
      this.jobs.delete(job.id);
      this.emit('completed', job.id, result);
    } catch (error) {
      this.jobs.delete(job.id);
      // A job stopped by shutdown is given back, not failed: the call stays unfinished and runs again.
      if (!(this.closing && job.controller.signal.aborted)) this.emit('failed', job.id, describeError(error));
    } finally {
      this.active--;
      if (this.active === 0) this.idle?.();
      this.pump();
    }
  }

  async close(graceMs: number): Promise<{ returned: string[] }> {
    this.closing = true;
    const returned = this.waiting.splice(0).map((job) => {
      this.jobs.delete(job.id);
      return job.id;
    });
    if (this.active > 0) {
      const finished = new Promise<void>((resolve) => {
        this.idle = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      const outcome = await Promise.race([finished, expired]);
      clearTimeout(timer);
      if (outcome === 'expired') {
        for (const job of this.jobs.values()) {
          returned.push(job.id);
          job.controller.abort();
        }
        await finished;
      }
    }
    return { returned };
  }
}
