import type { CallResult, Storage, TranscriptionResult } from '@echolens/core';
import type { Logger } from '@echolens/provider';
import { EventEmitter } from 'eventemitter3';
import type { CallsRepository } from '../db/calls-repository.js';
import type { CallsTable } from '../db/database.js';
import {
  type CallJobResult,
  type CallProgress,
  type CallStatus,
  callResultKey,
  callTranscriptKey,
  jobIdFor,
  type Until,
} from '../queue-contract.js';
import type { JobFailure, WorkQueue } from './work-queue.js';

/** What the dashboard hears about a call: sent on every status change (server-sent events). */
export interface CallUpdate {
  id: string;
  status: CallStatus | 'deleted';
  stage: string | null;
  progress: number;
  error: JobFailure | null;
}

/**
 * Between the HTTP API, the database and the queue: asks for work on calls, and turns the queue's events
 * into stored statuses, stored results and live updates. One recording uploaded twice is one job; both
 * calls get the result.
 */
export class CallWork extends EventEmitter<{ update: (update: CallUpdate) => void }> {
  /** Last progress written per job, so a chatty stage does not write the database on every window. */
  private readonly lastProgress = new Map<string, { stage: string; fraction: number }>();

  constructor(
    private readonly calls: CallsRepository,
    private readonly storage: Storage,
    readonly queue: WorkQueue,
    private readonly logger: Logger,
    /** The settings that change a result (model, language): part of every job id. */
    private readonly settingsFingerprint: string,
  ) {
    super();
    queue.on('progress', (jobId, progress) => void this.onProgress(jobId, progress).catch(this.logFailure));
    queue.on('completed', (jobId, result) => void this.onCompleted(jobId, result).catch(this.logFailure));
    queue.on('failed', (jobId, failure) => void this.onFailed(jobId, failure).catch(this.logFailure));
  }

  private readonly logFailure = (error: unknown) =>
    this.logger.error({ err: error }, 'could not record the outcome of a job');

  private publish(id: string, status: CallStatus | 'deleted', extra: Partial<CallUpdate> = {}): void {
    this.emit('update', { id, status, stage: null, progress: 0, error: null, ...extra });
  }

  /** Publishes a status decided outside the queue (a new call, a deletion, a finished text conversation). */
  announce(update: CallUpdate): void {
    this.emit('update', update);
  }

  /** Queues transcription or analysis of a stored recording (no-op when a job for it is already under way). */
  async request(call: CallsTable, until: Until): Promise<void> {
    if (!call.storage_key || !call.audio_sha256) throw new Error(`call ${call.id} has no recording`);
    // Same recording, same request, same metadata (the analysis depends on it): same job.
    const jobId = jobIdFor(call.audio_sha256, until, `${this.settingsFingerprint}\n${call.metadata}`);
    await this.calls.update(call.id, {
      status: 'pending',
      stage: null,
      progress: 0,
      error_code: null,
      error_message: null,
      job_id: jobId,
      requested: until,
    });
    this.publish(call.id, 'pending');
    const outcome = await this.queue.submit(jobId, {
      callId: call.id,
      storageKey: call.storage_key,
      name: call.name,
      metadata: JSON.parse(call.metadata),
      until,
    });
    if (outcome.state === 'completed') await this.onCompleted(jobId, outcome.result);
  }

  /** Marks a call failed without running anything (e.g. a ZIP entry that is not audio). */
  async fail(id: string, failure: JobFailure): Promise<void> {
    await this.calls.update(id, {
      status: 'failed',
      stage: null,
      error_code: failure.code,
      error_message: failure.message,
    });
    this.publish(id, 'failed', { error: failure });
  }

  private async onProgress(jobId: string, progress: CallProgress): Promise<void> {
    const last = this.lastProgress.get(jobId);
    if (
      last &&
      last.stage === progress.stage &&
      Math.abs(progress.fraction - last.fraction) < 0.05 &&
      progress.fraction < 1
    )
      return;
    this.lastProgress.set(jobId, { stage: progress.stage, fraction: progress.fraction });
    const calls = (await this.calls.callsOfJob(jobId)).filter((call) => call.status !== 'failed');
    const ids = calls.map((call) => call.id);
    await this.calls.update(ids, {
      status: progress.status,
      stage: progress.stage,
      progress: progress.fraction,
    });
    for (const id of ids)
      this.publish(id, progress.status, { stage: progress.stage, progress: progress.fraction });
  }

  private async onCompleted(jobId: string, outcome: CallJobResult): Promise<void> {
    this.lastProgress.delete(jobId);
    const calls = await this.calls.callsOfJob(jobId);
    if (calls.length === 0) return;
    const stored = JSON.parse(new TextDecoder().decode(await this.storage.get(outcome.resultKey)));
    for (const call of calls) {
      // Another call with the same recording: the result is the same, under this call's own id.
      const own = call.id === outcome.callId ? stored : withCallId(stored, call.id);
      if (outcome.status === 'done') {
        if (call.id !== outcome.callId) await this.storage.put(callResultKey(call.id), JSON.stringify(own));
        await this.calls.storeResult(call.id, own as CallResult);
        this.publish(call.id, 'done', { progress: 1 });
      } else {
        if (call.id !== outcome.callId)
          await this.storage.put(callTranscriptKey(call.id), JSON.stringify(own));
        await this.calls.storeTranscript(call.id, own as TranscriptionResult);
        this.publish(call.id, 'transcribed', { progress: 1 });
      }
    }
  }

  private async onFailed(jobId: string, failure: JobFailure): Promise<void> {
    this.lastProgress.delete(jobId);
    const ids = (await this.calls.callsOfJob(jobId)).map((call) => call.id);
    for (const id of ids) await this.fail(id, failure);
  }

  /** At start: calls left unfinished by a stop are asked for again (a known job is joined, not repeated). */
  async resumeUnfinished(): Promise<number> {
    const unfinished = await this.calls.unfinished();
    for (const call of unfinished)
      await this.request(call, call.requested === 'transcribe' ? 'transcribe' : 'analyze');
    return unfinished.length;
  }
}

function withCallId(value: { callId: string; analysis?: { callId: string } }, callId: string) {
  return { ...value, callId, ...(value.analysis ? { analysis: { ...value.analysis, callId } } : {}) };
}
