#!/usr/bin/env node
// Worker fleet benchmark (issue 13). Needs built packages (`pnpm build`) and `redis-server` on the PATH.
//   1. Throughput, in audio hours per hour, of one and of two worker processes (examples/worker, dist/main.js)
//      on this machine: thirteen dev recordings (the short ASR clips and the two call samples) enqueued through
//      the producer the CLI uses, timed from the first enqueue to the last completion event. Rounds alternate
//      1, 2, 1, 2, … on a fresh Redis and data folder each (an empty results cache: every job transcribes).
//   2. Queue overhead per job, from the one-worker rounds: the worker's idle gap between one job's end and the
//      next one's start while jobs wait (fetch, lock, mark complete), the producer's enqueue per recording
//      (copy into storage with its hash, add the job), and the delay from the worker's end of a job to the
//      producer hearing of it (QueueEvents).
//   3. Time to recover a killed worker's job: two workers, one 29.5 s call enqueued, the worker that starts it
//      SIGKILLed at once; time until the other worker starts it, and until it completes. With the default
//      lock and stalled-check settings (30 s, 30 s) and with shorter ones (10 s, 5 s).
//   4. One long recording (a BENCH_LONG_MINUTES call from bench/stt/build-call.mjs, default 4 min, in chunks of
//      BENCH_LONG_CHUNK_SEC, default 60 s): enqueue to done with one worker and its chunks on it alone
//      (ECHOLENS_FLEET_CHUNKS=off), one worker with the chunks as jobs, and two workers sharing them.
// Whisper tiny (BENCH_WHISPER to change) and the offline analyzer: what is measured is the fleet, not the models.
// Writes bench/out/worker.json and the worker section of bench/RESULTS.md. BENCH_ONLY=long runs part 4 alone
// and only prints it (a quick look on a busy machine; nothing is written).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { replaceSection } from '../lib/results-section.mjs';
import { dataRoot, outDir, root } from '../lib/setup.mjs';

const workerRoot = join(root, 'examples', 'worker');
const requireFromWorker = createRequire(join(workerRoot, 'package.json'));
const { Queue, QueueEvents } = requireFromWorker('bullmq');
const { Redis } = requireFromWorker('ioredis');
const { startRedisServer } = await import(join(root, 'packages', 'cache-redis', 'dist', 'testing.js'));
const { resolveModelsDir } = await import(join(root, 'packages', 'provider', 'dist', 'index.js'));
const { buildCall } = await import(join(root, 'bench', 'stt', 'build-call.mjs'));
const { enqueueRecording, readWorkerConfig } = await import(join(workerRoot, 'dist', 'index.js'));
const { openStorage, settingsFingerprint } = await import(
  join(root, 'examples', 'express-server', 'dist', 'jobs.js')
);
const { CALL_QUEUE_NAME } = await import(
  join(root, 'examples', 'express-server', 'dist', 'queue-contract.js')
);

const WHISPER = process.env.BENCH_WHISPER ?? 'Xenova/whisper-tiny';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECORDINGS = [
  ...[
    'jfk.wav',
    'librispeech-1089-134691-0000.wav',
    'librivox-sense-and-sensibility-0880.wav',
    'librivox-sense-and-sensibility-0930.wav',
    'cards-001.wav',
    'cards-004.wav',
    'goforward.wav',
    'azure-whatstheweatherlike.wav',
    'fleurs-en-000.wav',
    'fleurs-en-003.wav',
    'fleurs-en-006.wav',
  ].map((name) => join(dataRoot, 'asr', 'audio', name)),
  join(dataRoot, 'calls', 'azure-call-center-sample.wav'),
  join(dataRoot, 'calls', 'azure-katiesteve-two-speakers.wav'),
];
const LONG = join(dataRoot, 'calls', 'azure-katiesteve-two-speakers.wav');
const LONG_MINUTES = Number(process.env.BENCH_LONG_MINUTES ?? 4);
const LONG_CHUNK_SEC = Number(process.env.BENCH_LONG_CHUNK_SEC ?? 60);
const ONLY_LONG = process.env.BENCH_ONLY === 'long';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round1 = (value) => Math.round(value * 10) / 10;

/** Seconds of audio in a PCM WAV file, from its header (fmt byte rate, data size). */
function wavSeconds(path) {
  const bytes = readFileSync(path);
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'fmt ') byteRate = bytes.readUInt32LE(offset + 16);
    if (id === 'data') return size / byteRate;
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** A worker process of the example, its JSON log lines kept with their `time` (pino, epoch ms). */
function startWorker(environment) {
  const child = spawn(process.execPath, [join(workerRoot, 'dist', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'info', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let waiters = [];
  let pending = '';
  let errors = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) {
      if (!text.trim()) continue;
      const line = JSON.parse(text);
      lines.push(line);
      waiters = waiters.filter((waiter) => {
        if (!waiter.predicate(line)) return true;
        waiter.resolve(line);
        return false;
      });
    }
  });
  child.stderr.on('data', (chunk) => {
    errors += chunk.toString();
  });
  // 'close', not 'exit': by then stdout and stderr are read to the end, so a crash's message is in `errors`.
  const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then((code) =>
          reject(new Error(`worker exited (${code}) first: ${errors}\n${JSON.stringify(lines.slice(-5))}`)),
        );
      });
    },
  };
}

const stopWorker = async (worker) => {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
};

const redis = await startRedisServer();
const admin = new Redis(redis.url);
const modelsDir = process.env.ECHOLENS_MODELS_DIR ?? resolveModelsDir().dir;

/** A fresh fleet: an empty Redis, a new data folder, `count` workers started and ready. */
async function fleet(count, extra = {}) {
  await admin.flushall();
  const dataDir = mkdtempSync(join(tmpdir(), 'echolens-bench-worker-'));
  const environment = {
    REDIS_URL: redis.url,
    ECHOLENS_DATA_DIR: dataDir,
    ECHOLENS_WHISPER_MODEL: WHISPER,
    ECHOLENS_LANGUAGE: 'en',
    ECHOLENS_MODELS_DIR: modelsDir,
    ...extra,
  };
  const workers = Array.from({ length: count }, (_, index) =>
    startWorker({ ...environment, ECHOLENS_WORKER_NAME: `bench-${index + 1}` }),
  );
  await Promise.all(workers.map((worker) => worker.waitFor((line) => line.msg === 'EchoLens worker ready')));
  const config = readWorkerConfig(environment);
  const storage = await openStorage(config);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(CALL_QUEUE_NAME, { connection });
  const eventsConnection = connection.duplicate();
  const events = new QueueEvents(CALL_QUEUE_NAME, { connection: eventsConnection });
  await events.waitUntilReady();
  const heard = new Map();
  for (const kind of ['completed', 'failed'])
    events.on(kind, ({ jobId, failedReason }) => heard.set(jobId, { kind, at: Date.now(), failedReason }));
  return {
    workers,
    queue,
    heard,
    enqueue: (path) =>
      enqueueRecording(
        queue,
        storage,
        { name: path, source: path },
        { until: 'analyze', settings: settingsFingerprint(config) },
      ),
    async close() {
      await Promise.all(workers.map(stopWorker));
      await events.close();
      await queue.close();
      // Every connection quit: one left open keeps reconnecting to the stopped Redis and the run never ends.
      await eventsConnection.quit();
      await connection.quit();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const until = async (check) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
};

async function throughputRound(count) {
  const running = await fleet(count);
  const started = Date.now();
  const enqueueMs = [];
  const jobIds = [];
  for (const path of RECORDINGS) {
    const before = performance.now();
    const outcome = await running.enqueue(path);
    enqueueMs.push(performance.now() - before);
    jobIds.push(outcome.jobId);
  }
  await until(() => jobIds.every((jobId) => running.heard.has(jobId)));
  const wallSec = (Date.now() - started) / 1000;
  const failed = jobIds.filter((jobId) => running.heard.get(jobId).kind !== 'completed');
  if (failed.length)
    throw new Error(`jobs failed: ${failed.map((id) => running.heard.get(id).failedReason)}`);
  // Per worker, its jobs in order: the idle gaps between them while jobs were waiting.
  const gapsMs = [];
  const noticeMs = [];
  for (const worker of running.workers) {
    const starts = worker.lines.filter((line) => line.msg === 'job started');
    const ends = worker.lines.filter((line) => line.msg === 'job completed');
    for (let index = 1; index < starts.length; index++)
      gapsMs.push(starts[index].time - ends[index - 1].time);
    for (const end of ends) noticeMs.push(running.heard.get(end.jobId).at - end.time);
  }
  await running.close();
  return { workers: count, wallSec, enqueueMs, gapsMs, noticeMs };
}

async function recovery(lockSec, checkSec) {
  const running = await fleet(2, {
    ECHOLENS_WORKER_LOCK_SEC: String(lockSec),
    ECHOLENS_WORKER_STALLED_CHECK_SEC: String(checkSec),
  });
  const { jobId } = await running.enqueue(LONG);
  const first = await Promise.any(
    running.workers.map((worker) =>
      worker.waitFor((line) => line.msg === 'job started' && line.jobId === jobId),
    ),
  );
  const victim = running.workers.find((worker) => worker.lines.includes(first));
  const survivor = running.workers.find((worker) => worker !== victim);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await victim.exited;
  const restarted = await survivor.waitFor((line) => line.msg === 'job started' && line.jobId === jobId);
  await until(() => running.heard.has(jobId));
  const outcome = running.heard.get(jobId);
  await running.close();
  if (outcome.kind !== 'completed') throw new Error(`recovered job failed: ${outcome.failedReason}`);
  return {
    lockSec,
    stalledCheckSec: checkSec,
    restartedAfterSec: round1((restarted.time - killedAt) / 1000),
    completedAfterSec: round1((outcome.at - killedAt) / 1000),
  };
}

/** One long recording, enqueue to done: `count` workers, its chunks spread over them or not. */
async function longRecording(path, count, fleetChunks) {
  const running = await fleet(count, {
    ECHOLENS_CHUNK_SEC: String(LONG_CHUNK_SEC),
    ECHOLENS_FLEET_CHUNKS: fleetChunks ? 'on' : 'off',
  });
  const started = Date.now();
  const { jobId } = await running.enqueue(path);
  await until(() => running.heard.has(jobId));
  const outcome = running.heard.get(jobId);
  const wallSec = (Date.now() - started) / 1000;
  const chunksByWorker = running.workers.map(
    (worker) =>
      worker.lines.filter((line) => line.msg === 'chunk completed' && line.status === 'completed').length,
  );
  await running.close();
  if (outcome.kind !== 'completed') throw new Error(`long recording failed: ${outcome.failedReason}`);
  return { workers: count, fleetChunks, wallSec: round1(wallSec), chunksByWorker };
}

async function longRecordings() {
  const folder = mkdtempSync(join(tmpdir(), 'echolens-bench-long-'));
  const path = join(folder, `call-${LONG_MINUTES}min.wav`);
  buildCall({ minutes: LONG_MINUTES, seed: 7, out: path, dataRoot });
  const results = [];
  for (const [count, fleetChunks] of [
    [1, false],
    [1, true],
    [2, true],
  ]) {
    const result = await longRecording(path, count, fleetChunks);
    results.push(result);
    process.stderr.write(`long recording, ${JSON.stringify(result)}\n`);
  }
  rmSync(folder, { recursive: true, force: true });
  return { minutes: LONG_MINUTES, chunkSec: LONG_CHUNK_SEC, results };
}

if (ONLY_LONG) {
  const loadBefore = loadavg()[0];
  const long = await longRecordings();
  const loadAfter = loadavg()[0];
  await admin.quit();
  await redis.stop();
  process.stdout.write(
    `${JSON.stringify({ whisper: WHISPER, loadAverage1m: { before: loadBefore, after: loadAfter }, long }, null, 2)}\n`,
  );
  process.exit(0);
}

const audioSec = RECORDINGS.reduce((sum, path) => sum + wavSeconds(path), 0);
const loadBefore = loadavg()[0];
const rounds = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const count of [1, 2]) {
    const result = await throughputRound(count);
    rounds.push(result);
    process.stderr.write(`round ${round + 1}, ${count} worker(s): ${result.wallSec.toFixed(1)} s\n`);
  }
}
const recoveries = [];
for (const [lockSec, checkSec] of [
  [30, 30],
  [10, 5],
]) {
  const result = await recovery(lockSec, checkSec);
  recoveries.push(result);
  process.stderr.write(`recovery (lock ${lockSec} s, check ${checkSec} s): ${JSON.stringify(result)}\n`);
}
const long = await longRecordings();
const loadAfter = loadavg()[0];
await admin.quit();
await redis.stop();

const throughput = [1, 2].map((count) => {
  const mine = rounds.filter((round) => round.workers === count);
  const wallSec = median(mine.map((round) => round.wallSec));
  return {
    workers: count,
    wallSecPerRound: mine.map((round) => round1(round.wallSec)),
    medianWallSec: round1(wallSec),
    audioHoursPerHour: round1(audioSec / wallSec),
  };
});
const single = rounds.filter((round) => round.workers === 1);
const overhead = {
  gapBetweenJobsMs: Math.round(median(single.flatMap((round) => round.gapsMs))),
  enqueueMs: Math.round(median(single.flatMap((round) => round.enqueueMs))),
  completionNoticeMs: Math.round(median(single.flatMap((round) => round.noticeMs))),
};
const out = {
  generatedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadAverage1m: { before: loadBefore, after: loadAfter },
  },
  whisper: WHISPER,
  analysis: 'offline analyzer',
  recordings: RECORDINGS.length,
  audioSec: round1(audioSec),
  rounds: ROUNDS,
  throughput,
  overhead,
  recoveries,
  long,
};
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'worker.json'), `${JSON.stringify(out, null, 2)}\n`);

const [one, two] = throughput;
const section = `## Worker fleet

\`node bench/worker/run.mjs\` (issue 13): worker processes of examples/worker on a local \`redis-server\`, this
machine (${out.machine.cpus} CPUs, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)}
after: the machine was shared). ${RECORDINGS.length} dev recordings (${round1(audioSec)} s of audio: the short ASR
clips and the two call samples), ${WHISPER.replace('Xenova/', '')}, offline analyzer; ${ROUNDS} rounds per setting,
alternated, each on an empty Redis (every job transcribes); medians.

| workers | wall time per round (s) | median (s) | audio hours per hour |
|---|---|---|---|
| 1 | ${one.wallSecPerRound.join(', ')} | ${one.medianWallSec} | ${one.audioHoursPerHour} |
| 2 | ${two.wallSecPerRound.join(', ')} | ${two.medianWallSec} | ${two.audioHoursPerHour} |

Two workers on ${out.machine.cpus} cores give ${round1(one.medianWallSec / two.medianWallSec)}× one worker's throughput${
  loadBefore > out.machine.cpus
    ? ` — with a load average above the CPU count the cores were busy with other work, so this compares two processes' share of a saturated machine, not what a second worker adds on an idle one`
    : ''
}.

Queue overhead per job (one-worker rounds, medians): ${overhead.gapBetweenJobsMs} ms idle at the worker between
one job's end and the next one's start (fetch, lock, mark complete); ${overhead.enqueueMs} ms to enqueue a
recording (copy into storage with its SHA-256, add the job); ${overhead.completionNoticeMs} ms from the worker's
end of a job to the producer hearing of it (QueueEvents).

Recovering a killed worker's job (two workers, a 29.5 s call, the worker that starts it SIGKILLed at once):

| lock (s) | stalled check (s) | other worker starts it after (s) | completed after (s) |
|---|---|---|---|
${recoveries.map((r) => `| ${r.lockSec} | ${r.stalledCheckSec} | ${r.restartedAfterSec} | ${r.completedAfterSec} |`).join('\n')}

A killed worker's job waits for its lock to expire and then for the next stalled check of a live worker: at
most lock + check seconds (\`ECHOLENS_WORKER_LOCK_SEC\`, \`ECHOLENS_WORKER_STALLED_CHECK_SEC\`, docs/deploy.md).

One long recording (a ${long.minutes}-minute call from bench/stt/build-call.mjs, chunks of ${long.chunkSec} s), enqueue to done:

| workers | chunks | wall time (s) | chunks transcribed per worker |
|---|---|---|---|
${long.results.map((r) => `| ${r.workers} | ${r.fleetChunks ? 'jobs on echolens-chunks' : 'all on the worker that took it'} | ${r.wallSec} | ${r.fleetChunks ? r.chunksByWorker.join(', ') : '-'} |`).join('\n')}`;
replaceSection('worker', section);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
