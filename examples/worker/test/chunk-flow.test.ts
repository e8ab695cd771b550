import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedis } from '@echolens/cache-redis/testing';
import { createLocalStorage, type Pipeline } from '@echolens/core';
import {
  CALL_JOB_OPTIONS,
  CALL_QUEUE_NAME,
  type CallJobData,
} from '@echolens/example-express-server/queue-contract';
import { InvalidInputError } from '@echolens/provider';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallWorker } from '../src/call-worker.js';
import { CHUNK_QUEUE_NAME } from '../src/chunk-jobs.js';

/**
 * The worker's part of a long recording across the fleet, on a real redis-server, with a stand-in pipeline
 * (no model: what is checked is the flow of jobs): the split, one child job per pending chunk, the call
 * waiting for them, the merge once they are done, and a failed chunk failing the call with its reason.
 */
const COUNT = 4;
const transcript = { language: 'en', durationSec: 100, segments: [] };

function standInPipeline(failing: Set<number>, calls: string[], hold = false) {
  return {
    on: () => undefined,
    off: () => undefined,
    async splitLongAudio(input: { metadata: { callId: string } }) {
      calls.push('split');
      // Chunk 0 is done by the split itself (it decides the language), the others go to the fleet.
      return {
        split: {
          callId: input.metadata.callId,
          fingerprint: 'plan-fingerprint',
          chunks: Array.from({ length: COUNT }, (_, index) => ({
            index,
            startSec: index * 25,
            endSec: (index + 1) * 25,
            status: index === 0 ? 'completed' : 'pending',
          })),
        },
      };
    },
    async transcribeChunk(_callId: string, index: number, options: { signal?: AbortSignal } = {}) {
      calls.push(`chunk ${index}`);
      if (hold) {
        // Works until stopped: the chunk in hand when its worker shuts down.
        await new Promise((_, reject) =>
          options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (failing.has(index)) throw new InvalidInputError(`chunk ${index} samples unreadable`);
      return { index, count: COUNT, status: 'completed', transcript };
    },
    async transcribe(input: { metadata: { callId: string }; name: string }) {
      calls.push('merge');
      return { callId: input.metadata.callId, name: input.name, transcript };
    },
  } as unknown as Pipeline;
}

describe('a long recording split into chunk jobs (BullMQ parent and children)', () => {
  let redis: TestRedis;
  let connection: Redis;
  let queue: Queue<CallJobData>;
  let chunks: Queue;
  let storageRoot: string;
  const workers: CallWorker[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(CALL_QUEUE_NAME, { connection });
    chunks = new Queue(CHUNK_QUEUE_NAME, { connection });
    storageRoot = mkdtempSync(join(tmpdir(), 'echolens-chunk-flow-'));
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close(1000)));
    await chunks?.close();
    await queue?.close();
    await connection?.quit();
    await redis?.stop();
    if (storageRoot) rmSync(storageRoot, { recursive: true, force: true });
  });

  function startCallWorker(name: string, pipeline: Pipeline) {
    const worker = new CallWorker({
      connection,
      pipeline,
      storage: createLocalStorage({ root: storageRoot }),
      logger: pino({ level: 'silent' }),
      name,
      concurrency: 1,
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
    });
    workers.push(worker);
    return worker;
  }

  const callData = (callId: string): CallJobData => ({
    callId,
    storageKey: `calls/${callId}/audio/long.wav`,
    name: 'long.wav',
    metadata: {},
    until: 'transcribe',
  });

  async function runCall(callId: string, failing: Set<number>) {
    const calls: string[] = [];
    const worker = startCallWorker(callId, standInPipeline(failing, calls));
    await worker.start();
    const added = await queue.add('call', callData(callId), { ...CALL_JOB_OPTIONS, jobId: `job-${callId}` });
    for (;;) {
      const state = await queue.getJobState(added.id as string);
      if (state === 'completed' || state === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Read once the state is final: a job read before its state changed has no return value or failed reason yet.
    const job = await queue.getJob(added.id as string);
    await worker.close(1000);
    workers.splice(workers.indexOf(worker), 1);
    return { job: job as Job, calls };
  }

  it('adds a child job per pending chunk, waits for them, then merges once; progress counts the chunks done', async () => {
    const { job, calls } = await runCall('long-ok', new Set());
    expect(job.returnvalue).toMatchObject({ callId: 'long-ok', status: 'transcribed' });
    expect(calls[0]).toBe('split');
    expect(calls.at(-1)).toBe('merge');
    expect(calls.slice(1, -1).sort()).toEqual(['chunk 1', 'chunk 2', 'chunk 3']);
    expect(calls.filter((call) => call === 'split' || call === 'merge')).toEqual(['split', 'merge']);
    const children = await chunks.getCompleted();
    const mine = children.filter((child) => child.data.callId === 'long-ok');
    expect(mine.map((child) => child.data.index).sort()).toEqual([1, 2, 3]);
    for (const child of mine) expect(child.parent?.id).toBe(job.id);
    expect(Object.keys(await job.getChildrenValues())).toHaveLength(3);
    // Set by whichever worker finished a chunk: the share of the call's chunks done (here all of them).
    let progress: unknown;
    for (let tries = 0; tries < 50; tries++) {
      progress = (await queue.getJob(job.id as string))?.progress;
      if ((progress as { fraction?: number }).fraction === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(progress).toEqual({ callId: 'long-ok', status: 'transcribing', stage: 'transcribe', fraction: 1 });
  });

  it('a chunk that fails fails the call with the chunk’s reason, and nothing is merged', async () => {
    const { job, calls } = await runCall('long-broken', new Set([2]));
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toBe('invalid_input: chunk 2 samples unreadable');
    expect(calls).not.toContain('merge');
    // Bad input is not retried: the chunk failed at its first attempt, and so did the call.
    const [failedChunk] = (await chunks.getFailed()).filter((child) => child.data.callId === 'long-broken');
    expect(failedChunk?.attemptsMade).toBe(1);
    expect(job.attemptsMade).toBe(1);
  });

  it('gives the chunk in hand back at shutdown, no attempt used, and another worker finishes the call', async () => {
    const callId = 'long-shutdown';
    const first = startCallWorker('first', standInPipeline(new Set(), [], true));
    await first.start();
    const added = await queue.add('call', callData(callId), { ...CALL_JOB_OPTIONS, jobId: `job-${callId}` });
    let active: Job | undefined;
    while (!active) {
      active = (await chunks.getActive()).find((child) => child.data.callId === callId);
      if (!active) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { returned } = await first.close(100);
    workers.splice(workers.indexOf(first), 1);
    expect(returned).toEqual([]); // call jobs given back: none, the call was waiting for its chunks
    const handed = await chunks.getJob(active.id as string);
    expect(await handed?.getState()).toBe('waiting');
    expect(handed?.attemptsMade).toBe(0);
    expect(await (await queue.getJob(added.id as string))?.getState()).toBe('waiting-children');

    const calls: string[] = [];
    const second = startCallWorker('second', standInPipeline(new Set(), calls));
    await second.start();
    let state = '';
    while (state !== 'completed' && state !== 'failed') {
      state = (await (await queue.getJob(added.id as string))?.getState()) ?? '';
      if (state !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe('completed');
    expect(calls).toContain(`chunk ${active.data.index}`);
    expect(calls.at(-1)).toBe('merge');
  });
});
