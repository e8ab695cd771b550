import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import type { CallMetadata, Storage } from '@echolens/core';
import {
  CALL_JOB_OPTIONS,
  type CallJobData,
  type CallJobResult,
  callAudioKey,
  callJobId,
  type Until,
} from '@echolens/example-express-server/queue-contract';
import type { Queue } from 'bullmq';

/** A recording to hand to the fleet: a file path or a stream (opened when it is read), and its metadata. */
export interface Recording {
  name: string;
  source: string | Readable;
  metadata?: CallMetadata;
}

/**
 * What adding a recording did: `queued` a new job; `duplicate` joined the job of the same content (no
 * second job, `of` names the recording that made it); `done` found that job already finished (its result
 * is there); `retried` put that job, which had failed, back in the queue.
 */
export interface EnqueueOutcome {
  name: string;
  callId: string;
  jobId: string;
  state: 'queued' | 'duplicate' | 'done' | 'retried';
  of?: string;
}

/**
 * A call id from the recording's name: readable, and the same each time the same input is added, so adding
 * a folder again writes the same keys and joins the same jobs instead of piling up copies.
 */
export function callIdFor(name: string): string {
  const stem = basename(name, extname(name))
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 60);
  return `${stem || 'call'}-${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}

/** Copies the recording into the shared storage, hashing it on the way: one read, never whole in memory. */
async function storeHashed(storage: Storage, key: string, source: string | Readable): Promise<string> {
  const hash = createHash('sha256');
  const input = typeof source === 'string' ? createReadStream(source) : source;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  input.once('error', (error: Error) => tap.destroy(error));
  await storage.put(key, input.pipe(tap));
  return hash.digest('hex');
}

/**
 * Adds one recording to the fleet's queue the way the server does: the recording goes to the shared
 * storage at `callAudioKey`, the job gets its content id (`callJobId`) and the contract's options. The
 * same content added twice is one job.
 */
export async function enqueueRecording(
  queue: Queue<CallJobData, CallJobResult>,
  storage: Storage,
  recording: Recording,
  options: { until: Until; settings: string },
): Promise<EnqueueOutcome> {
  const callId = callIdFor(recording.name);
  const storageKey = callAudioKey(callId, basename(recording.name));
  const sha256 = await storeHashed(storage, storageKey, recording.source);
  const metadata = recording.metadata ?? {};
  const jobId = callJobId(sha256, options.until, options.settings, metadata);
  const data: CallJobData = {
    callId,
    storageKey,
    name: basename(recording.name),
    metadata,
    until: options.until,
  };
  await queue.add('call', data, { ...CALL_JOB_OPTIONS, jobId });
  // A known id adds nothing: what counts is the job as stored.
  const job = await queue.getJob(jobId);
  const outcome = { name: recording.name, callId, jobId };
  if (!job) return { ...outcome, state: 'done' }; // finished and pruned between the two calls
  const state = await job.getState();
  if (state === 'failed') {
    await job.retry('failed');
    return { ...outcome, state: 'retried' };
  }
  if (job.data.callId !== callId) return { ...outcome, state: 'duplicate', of: job.data.name };
  return { ...outcome, state: state === 'completed' ? 'done' : 'queued' };
}
