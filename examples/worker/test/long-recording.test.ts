import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startRedisServer, type TestRedis } from '@echolens/cache-redis/testing';
import { createLocalStorage, createPipeline } from '@echolens/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath, TEST_WHISPER } from '../../express-server/test/helpers/fixtures.js';
import {
  type LogLine,
  startFleet,
  stopWorker,
  type WorkerProcess,
  workerRoot,
} from './helpers/worker-process.js';

const run = promisify(execFile);
/** The call-like recording builder of the STT benchmark: dev utterances with the pauses of a call. */
const buildCallModule = resolve(workerRoot, '../../bench/stt/build-call.mjs');
type BuildCall = (options: { minutes: number; seed: number; out: string; dataRoot: string }) => void;
/** Two minutes in chunks of about 25 s: four or five chunks, enough for both workers. */
const MINUTES = 2;
const CHUNK_SEC = 25;

describe('a long recording across a fleet of two workers', () => {
  let redis: TestRedis;
  let connection: Redis;
  let queue: Queue;
  let environment: Record<string, string>;
  let dataDir: string;
  let recording: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    dataDir = mkdtempSync(join(tmpdir(), 'echolens-long-'));
    recording = join(dataDir, 'long-call.wav');
    const { buildCall } = (await import(buildCallModule)) as { buildCall: BuildCall };
    buildCall({ minutes: MINUTES, seed: 5, out: recording, dataRoot: dirname(dataPath('asr')) });
    // No language forced: the chunk that decides it must go first, as in a single process.
    environment = {
      REDIS_URL: redis.url,
      ECHOLENS_DATA_DIR: dataDir,
      ECHOLENS_WHISPER_MODEL: TEST_WHISPER,
      ECHOLENS_CHUNK_SEC: String(CHUNK_SEC),
      // On two busy cores a chunk's inference can hold a worker's event loop long enough to lose a 30 s
      // lock; a lost lock re-runs the chunk elsewhere (by design), which is not what this test counts.
      ECHOLENS_WORKER_LOCK_SEC: '120',
    };
    const fleet = await startFleet(environment, redis.url);
    workers.push(...fleet.workers);
    ({ connection, queue } = fleet);
  });

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await queue?.close();
    await connection?.quit();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const logsOf = (predicate: (line: LogLine) => boolean) =>
    workers.flatMap((worker) => worker.lines.filter(predicate));

  it('spreads the chunks over both workers, transcribes each once, and merges to the transcript of a single-process run', async () => {
    const { stdout } = await run(
      process.execPath,
      [resolve(workerRoot, 'dist', 'enqueue.js'), '--transcribe', '--wait', recording],
      { env: { ...process.env, ...environment } },
    );
    expect(stdout).toMatch(/long-call\.wav/);
    const [job] = await queue.getCompleted();
    expect(job?.data.name).toBe('long-call.wav');
    const parentId = job?.id as string;

    // Split once, by one worker; its chunks taken by both.
    const splits = logsOf((line) => line.msg === 'long recording split: its chunks go to the fleet');
    expect(splits).toHaveLength(1);
    const count = splits[0]?.chunks as number;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(count).toBeLessThanOrEqual(6);
    for (const worker of workers)
      expect(worker.lines.some((line) => line.msg === 'chunk started')).toBe(true);

    // Each chunk transcribed exactly once across the fleet (chunk 0 by the splitting worker: it decides
    // the language), and one transcription started per chunk, none by the merging run.
    const completed = logsOf((line) => line.msg === 'chunk completed' && line.status === 'completed');
    expect(completed.map((line) => line.chunk).sort()).toEqual(
      Array.from({ length: count }, (_, index) => index),
    );
    const transcriptions = logsOf((line) => line.msg === 'speech-to-text started').map((line) => line.jobId);
    const story = JSON.stringify(
      logsOf((line) => /chunk|speech-to-text|job|lock|stalled/.test(line.msg)).map(
        ({ msg, jobId, chunk, status }) => ({ msg, jobId, chunk, status }),
      ),
    );
    expect(transcriptions, story).toHaveLength(count);
    expect(new Set(transcriptions).size, story).toBe(count);
    const merged = logsOf((line) => line.msg === 'job completed' && line.jobId === parentId);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.speechToTextRequests).toBe(0);

    // The exported chunk samples are gone once merged; the checkpoints stay.
    const callFolder = join(dataDir, 'storage', 'calls', job?.data.callId as string);
    expect(readdirSync(join(callFolder, 'chunks'))).toHaveLength(count);
    expect(
      existsSync(join(callFolder, 'chunk-inputs')) ? readdirSync(join(callFolder, 'chunk-inputs')) : [],
    ).toEqual([]);

    // The same transcript as one process with the same settings, in a storage of its own.
    const fleet = JSON.parse(readFileSync(join(dataDir, 'storage', job?.returnvalue.resultKey), 'utf8'));
    const single = createPipeline({
      whisper: { model: TEST_WHISPER },
      cache: false,
      longAudio: {
        storage: createLocalStorage({ root: join(dataDir, 'single') }),
        chunkSec: CHUNK_SEC,
        resume: true,
      },
    });
    try {
      const reference = await single.transcribe({ source: recording, metadata: { callId: 'single' } });
      expect(fleet.transcript).toEqual(JSON.parse(JSON.stringify(reference.transcript)));
      expect(fleet.transcript.segments.length).toBeGreaterThan(10);
    } finally {
      await single.dispose();
    }
  });
});
