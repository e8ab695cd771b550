import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
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
  pnpm example:enqueue [--transcribe] [--wait] <file | folder> ...   add recordings to the fleet's queue
  pnpm example:enqueue --failed                                      list failed jobs with their reasons
  pnpm example:enqueue --retry-failed                                put every failed job back in the queue

Settings from the environment, as for the worker: REDIS_URL (required), ECHOLENS_STORAGE or ECHOLENS_DATA_DIR
(where the recordings are copied for the workers), ECHOLENS_LLM, ECHOLENS_WHISPER_MODEL, ECHOLENS_LANGUAGE.
  --transcribe   stop at the transcript (default: the full analysis)
  --wait         follow the jobs until each has finished; exit code 1 if any failed`;

const AUDIO = new Set(['.wav', '.mp3', '.m4a', '.aac', '.ogg', '.opus', '.flac', '.webm', '.mp4', '.amr']);

/** Files named on the command line, and the recordings in folders named there (walked, in name order). */
async function recordingsIn(paths: string[]): Promise<Recording[]> {
  const found: Recording[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new Error(`${path}: no such file or folder`);
    if (!info.isDirectory()) {
      found.push({ name: path, source: path });
      continue;
    }
    const entries = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile() && AUDIO.has(extname(entry.name).toLowerCase()))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
    found.push(...entries.map((file) => ({ name: file, source: file })));
  }
  return found;
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
    const recordings = await recordingsIn(positionals.map((path) => resolve(base, path)));
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
