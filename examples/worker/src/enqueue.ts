import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { collectInputs } from '@echolens/core';
import { openStorage, settingsFingerprint } from '@echolens/example-express-server/jobs';
import {
  CALL_QUEUE_NAME,
  type CallJobData,
  type CallJobResult,
  parseFailureReason,
} from '@echolens/example-express-server/queue-contract';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { readWorkerConfig } from './config.js';
import { type EnqueueOutcome, enqueueRecording, type Recording } from './producer.js';

const USAGE = `Usage:
  pnpm example:enqueue [--transcribe] [--wait] <file | folder | archive.zip | s3://bucket/prefix/ | URL> ...
                                                                     add recordings to the fleet's queue
  pnpm example:enqueue --failed                                      list failed jobs with their reasons
  pnpm example:enqueue --retry-failed                                put every failed job back in the queue

Settings from the environment, as for the worker: REDIS_URL (required), ECHOLENS_STORAGE or ECHOLENS_DATA_DIR
(where the recordings are copied for the workers), ECHOLENS_LLM, ECHOLENS_WHISPER_MODEL, ECHOLENS_LANGUAGE.
  --transcribe   stop at the transcript (default: the full analysis)
  --wait         follow the jobs until each has finished; exit code 1 if any failed`;

/**
 * The recordings in what was named — files, folders (walked), ZIP archives, `s3://bucket/prefix/`, http(s)
 * URLs — through core's ingestion, in order. What is not a recording is reported and skipped; a source that
 * cannot be read stops the command before anything is queued.
 */
async function recordingsIn(sources: string[]): Promise<Recording[]> {
  const found: Recording[] = [];
  for await (const item of collectInputs(sources)) {
    if (item.kind === 'problem') {
      process.stderr.write(`${item.severity}\t${item.name}\t${item.reason}\n`);
      // A recording that could not be read is lost to this run: the exit code says so.
      if (item.severity === 'error') exitCode = 1;
      continue;
    }
    const { source } = item;
    const stream =
      typeof source === 'string' && /^https?:\/\//.test(source)
        ? await download(source)
        : source instanceof Readable || typeof source === 'string'
          ? source
          : undefined;
    if (!stream) throw new Error(`${item.name}: cannot be read as a file or a stream`);
    found.push({ name: item.name, source: stream, ...(item.metadata ? { metadata: item.metadata } : {}) });
  }
  return found;
}

async function download(url: string): Promise<Readable> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    transcribe: { type: 'boolean', default: false },
    wait: { type: 'boolean', default: false },
    failed: { type: 'boolean', default: false },
    'retry-failed': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || (positionals.length === 0 && !values.failed && !values['retry-failed'])) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const config = readWorkerConfig();
const connection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue<CallJobData, CallJobResult>(CALL_QUEUE_NAME, { connection });
let exitCode = 0;
try {
  if (values.failed || values['retry-failed']) {
    const failed = await queue.getFailed(0, -1);
    for (const job of failed) {
      const { code, message } = parseFailureReason(job.failedReason ?? '');
      const when = job.finishedOn ? new Date(job.finishedOn).toISOString() : '';
      process.stdout.write(
        `${job.id}\t${job.data.name}\tattempts ${job.attemptsMade}\t${when}\t${code}: ${message}\n`,
      );
      if (values['retry-failed']) await job.retry('failed');
    }
    process.stdout.write(
      `${failed.length} failed job(s)${values['retry-failed'] && failed.length ? ', put back in the queue' : ''}\n`,
    );
  } else {
    // Relative paths are the caller's: pnpm runs the script from the repository root.
    const base = process.env.INIT_CWD ?? process.cwd();
    const recordings = await recordingsIn(
      positionals.map((path) => (/^(s3|https?):\/\//.test(path) ? path : resolve(base, path))),
    );
    const storage = await openStorage(config);
    // Listening before adding: a job that finishes at once is not missed.
    const eventsConnection = values.wait ? connection.duplicate() : undefined;
    const events = eventsConnection
      ? new QueueEvents(CALL_QUEUE_NAME, { connection: eventsConnection })
      : undefined;
    await events?.waitUntilReady();
    const settings = settingsFingerprint(config);
    const outcomes: EnqueueOutcome[] = [];
    for (const recording of recordings) {
      const outcome = await enqueueRecording(queue, storage, recording, {
        until: values.transcribe ? 'transcribe' : 'analyze',
        settings,
      });
      outcomes.push(outcome);
      const note = outcome.state === 'duplicate' ? ` (same content as ${outcome.of})` : '';
      process.stdout.write(`${outcome.state}\t${outcome.jobId}\t${recording.name}${note}\n`);
    }
    if (events) {
      const jobIds = [...new Set(outcomes.map((outcome) => outcome.jobId))];
      await Promise.all(
        jobIds.map(async (jobId) => {
          const job = await queue.getJob(jobId);
          if (!job) return;
          try {
            const result = (await job.waitUntilFinished(events)) as CallJobResult;
            process.stdout.write(`done\t${jobId}\t${result.resultKey}\n`);
          } catch (error) {
            exitCode = 1;
            process.stdout.write(`failed\t${jobId}\t${(error as Error).message}\n`);
          }
        }),
      );
      await events.close();
      await eventsConnection?.quit();
    }
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    process.stdout.write(
      `queue: ${Object.entries(counts)
        .map(([state, count]) => `${count} ${state}`)
        .join(', ')}\n`,
    );
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  exitCode = 1;
} finally {
  await queue.close();
  await connection.quit().catch(() => connection.disconnect());
}
process.exit(exitCode);
