import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { readConfig, type ServerConfig } from '@echolens/example-express-server/jobs';
import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';

/**
 * A worker reads the server's settings (storage, database, language model, Whisper model, language,
 * concurrency, shutdown grace, cache TTL) the server's way, so the two cannot disagree, plus a few of its own.
 * Without `ECHOLENS_DATA_DIR` it uses the server example's data folder, so `pnpm example:server` and
 * `pnpm example:worker` on one machine share recordings, results and database with no other setting.
 */
const WorkerEnvironmentSchema = z.object({
  REDIS_URL: z.string({ error: 'REDIS_URL is required: the worker takes its jobs from Redis' }).min(1),
  /** Shown in logs and in BullMQ's worker list. */
  ECHOLENS_WORKER_NAME: z.string().min(1).optional(),
  /**
   * A job is locked by its worker and the lock renewed every half of this; a worker that stops renewing
   * (killed, or its event loop blocked this long) loses the job to another worker.
   */
  ECHOLENS_WORKER_LOCK_SEC: z.coerce.number().positive().default(30),
  /** How often each worker looks for jobs whose lock expired (a killed worker's) and puts them back. */
  ECHOLENS_WORKER_STALLED_CHECK_SEC: z.coerce.number().positive().default(30),
  /**
   * Long recordings are transcribed in chunks of about this many seconds (longer than 1.5 chunks is
   * long), each checkpointed in the shared storage.
   */
  ECHOLENS_CHUNK_SEC: z.coerce.number().positive().default(300),
  /**
   * Whether the chunks of one long recording are spread over the fleet (a job per chunk on the queue
   * `echolens-chunks`), or all transcribed by the worker that took the call.
   */
  ECHOLENS_FLEET_CHUNKS: z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .default('on')
    .transform((value) => ['on', 'true', '1'].includes(value)),
});

export interface WorkerConfig extends ServerConfig {
  redisUrl: string;
  workerName: string;
  lockDurationMs: number;
  stalledIntervalMs: number;
  chunkSec: number;
  fleetChunks: boolean;
}

/** The server example's data folder (examples/express-server/data). */
export function serverDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@echolens/example-express-server/package.json')), 'data');
}

export function readWorkerConfig(environment: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const server = readConfig({ ECHOLENS_DATA_DIR: serverDataDir(), ...environment });
  const parsed = WorkerEnvironmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigurationError(`invalid worker settings: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  return {
    ...server,
    redisUrl: env.REDIS_URL,
    workerName: env.ECHOLENS_WORKER_NAME ?? `${hostname()}:${process.pid}`,
    lockDurationMs: Math.round(env.ECHOLENS_WORKER_LOCK_SEC * 1000),
    stalledIntervalMs: Math.round(env.ECHOLENS_WORKER_STALLED_CHECK_SEC * 1000),
    chunkSec: env.ECHOLENS_CHUNK_SEC,
    fleetChunks: env.ECHOLENS_FLEET_CHUNKS,
  };
}
