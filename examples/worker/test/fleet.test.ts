import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startRedisServer, type TestRedis } from '@echolens/cache-redis/testing';
import {
  openAIChatWireFormat,
  type RecordedRequest,
  startWireServer,
  type WireServer,
} from '@echolens/core/testing';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath, modelAnswerText, TEST_WHISPER } from '../../express-server/test/helpers/fixtures.js';
import {
  type LogLine,
  startFleet,
  stopWorker,
  type WorkerProcess,
  workerRoot,
} from './helpers/worker-process.js';

const run = promisify(execFile);

/** Eight short dev recordings, a duplicate of one of them under another name, and a corrupt one. */
const GOOD = [
  'jfk.wav',
  'librispeech-1089-134691-0000.wav',
  'librivox-sense-and-sensibility-0880.wav',
  'librivox-sense-and-sensibility-0930.wav',
  'cards-001.wav',
  'goforward.wav',
  'azure-whatstheweatherlike.wav',
  'fleurs-en-003.wav',
];
/** The recording whose worker is killed: its language-model request is held until then. */
const VICTIM = 'jfk.wav';
const VICTIM_TEXT = /fellow americans/i;

describe('a fleet of two workers on Redis', () => {
  let redis: TestRedis;
  let wire: WireServer;
  let connection: Redis;
  let queue: Queue;
  let environment: Record<string, string>;
  let dataDir: string;
  const workers: WorkerProcess[] = [];
  /** Resolves when the victim's language-model request arrives (it is then left unanswered). */
  let victimAsked: (request: RecordedRequest) => void;
  const victimRequest = new Promise<RecordedRequest>((resolve) => {
    victimAsked = resolve;
  });

  beforeAll(async () => {
    redis = await startRedisServer();
    wire = await startWireServer();
    const answer = openAIChatWireFormat.answer({ text: modelAnswerText() });
    let held = false;
    const handler = (request: RecordedRequest) => {
      // Each worker checks at start that the model is offered.
      if (request.path.endsWith('/models')) return openAIChatWireFormat.models(['gpt-4o-mini']);
      if (!held && VICTIM_TEXT.test(JSON.stringify(request.json))) {
        held = true;
        victimAsked(request);
        return { hang: true } as const;
      }
      return typeof answer === 'function' ? answer(request) : answer;
    };
    wire.reply(...Array.from({ length: 100 }, () => handler));
    dataDir = mkdtempSync(join(tmpdir(), 'echolens-fleet-'));
    environment = {
      REDIS_URL: redis.url,
      ECHOLENS_DATA_DIR: dataDir,
      ECHOLENS_WHISPER_MODEL: TEST_WHISPER,
      ECHOLENS_LANGUAGE: 'en',
      ECHOLENS_LLM: 'openai:gpt-4o-mini',
      ECHOLENS_LLM_BASE_URL: openAIChatWireFormat.baseURL(wire.origin),
      OPENAI_API_KEY: 'sk-test-fleet',
      // A killed worker's job is found by the other worker's next check, a few seconds after its lock expires.
      ECHOLENS_WORKER_STALLED_CHECK_SEC: '5',
    };
    const fleet = await startFleet(environment, redis.url);
    workers.push(...fleet.workers);
    ({ connection, queue } = fleet);
  });

  afterAll(async () => {
    await Promise.all(workers.map(stopWorker));
    await queue?.close();
    await connection?.quit();
    await wire?.close();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const enqueue = async (...args: string[]) =>
    (
      await run(process.execPath, [resolve(workerRoot, 'dist', 'enqueue.js'), ...args], {
        env: { ...process.env, ...environment },
      })
    ).stdout;

  const logsOf = (predicate: (line: LogLine) => boolean) =>
    workers.flatMap((worker) => worker.lines.filter(predicate));

  it('completes every good recording exactly once with a worker killed mid-job, makes no job of the duplicate, fails the corrupt one with its reason', async () => {
    const folder = join(dataDir, 'inbox');
    mkdirSync(folder);
    for (const name of GOOD) copyFileSync(dataPath('asr', 'audio', name), join(folder, name));
    copyFileSync(dataPath('asr', 'audio', 'cards-001.wav'), join(folder, 'copy-of-cards-001.wav'));
    writeFileSync(
      join(folder, 'broken.wav'),
      readFileSync(dataPath('asr', 'audio', 'jfk.wav')).subarray(0, 3000),
    );

    const added = (await enqueue(folder)).trim().split('\n');
    const rows = added.filter((line) => !line.startsWith('queue:')).map((line) => line.split('\t'));
    expect(rows).toHaveLength(10);
    expect(rows.filter(([state]) => state === 'queued')).toHaveLength(9);
    const duplicate = rows.find(([state]) => state === 'duplicate');
    expect(duplicate?.[2]).toMatch(/copy-of-cards-001\.wav \(same content as cards-001\.wav\)$/);
    expect(duplicate?.[1]).toBe(rows.find(([, , name]) => name?.endsWith('/cards-001.wav'))?.[1]);

    // The victim's worker is held at its language-model request (its transcript is already in the
    // shared cache) and killed there, without warning.
    await victimRequest;
    const victimStart = await Promise.any(
      workers.map((worker) => worker.waitFor((line) => line.msg === 'job started' && line.name === VICTIM)),
    );
    const victimWorker = workers.find((worker) => worker.lines.includes(victimStart)) as WorkerProcess;
    const survivor = workers.find((worker) => worker !== victimWorker) as WorkerProcess;
    victimWorker.child.kill('SIGKILL');
    expect(await victimWorker.exited).toBeNull();

    // The survivor takes the killed worker's job once its lock expires, and finishes everything.
    const victimJob = victimStart.jobId as string;
    await survivor.waitFor((line) => line.msg === 'job completed' && line.jobId === victimJob);
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
      const count = (state: string) => counts[state] ?? 0;
      const settled = count('completed') + count('failed');
      if (settled === 9 && count('waiting') + count('active') + count('delayed') === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    // Nothing lost: nine jobs (the duplicate made none), eight completed, the corrupt one failed at once.
    const completed = await queue.getCompleted();
    const failed = await queue.getFailed();
    expect(completed.map((job) => job.data.name).sort()).toEqual([...GOOD].sort());
    expect(failed.map((job) => job.data.name)).toEqual(['broken.wav']);
    expect(failed[0]?.failedReason).toMatch(/^audio_decode_failed: broken\.wav: /);
    expect(failed[0]?.attemptsMade).toBe(1);
    expect(await enqueue('--failed')).toContain('broken.wav\tattempts 1\t');

    // Exactly once: one transcription per good recording across the fleet, the killed worker's included;
    // the re-delivered job found its transcript in the shared cache.
    const transcriptions = logsOf((line) => line.msg === 'speech-to-text started').map((line) => line.jobId);
    expect(transcriptions.sort()).toEqual(completed.map((job) => job.id).sort());
    const redelivered = survivor.lines.find(
      (line) => line.msg === 'job completed' && line.jobId === victimJob,
    );
    expect(redelivered?.speechToTextRequests).toBe(0);
    // One answered language-model request per recording; the victim's first one was never answered.
    const asked = wire.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(asked).toHaveLength(GOOD.length + 1);

    for (const job of completed) {
      const result = JSON.parse(readFileSync(join(dataDir, 'storage', job.returnvalue.resultKey), 'utf8'));
      expect(result.callId).toBe(job.data.callId);
      expect(result.analysis.insights.method).toBe('llm');
      expect(result.analysis.provenance.usage.llmRequests).toBe(1);
      expect(result.analysis.provenance.cache.transcript).toBe(job.id === victimJob ? 'hit' : 'miss');
    }
    const victimResult = completed.find((job) => job.id === victimJob);
    expect(victimResult?.data.name).toBe(VICTIM);
  });
});
