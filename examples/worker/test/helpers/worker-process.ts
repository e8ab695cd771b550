import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALL_QUEUE_NAME } from '@echolens/example-express-server/queue-contract';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

export const workerRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = resolve(workerRoot, '../..');

/** One line of a worker's JSON log (pino). */
export interface LogLine {
  msg: string;
  jobId?: string;
  callId?: string;
  [field: string]: unknown;
}

/** A worker process of the example (`dist/main.js`), its log lines kept as they arrive. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  /** Resolves with the first line (already seen or to come) that matches. */
  waitFor(predicate: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
}

export function startWorker(environment: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [resolve(workerRoot, 'dist', 'main.js')], {
    env: { ...process.env, LOG_LEVEL: 'info', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let pending = '';
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      waiters = waiters.filter((waiter) => {
        if (!waiter.predicate(line)) return true;
        waiter.resolve(line);
        return false;
      });
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    stderr: () => errors,
    waitFor(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then((code) =>
          reject(
            new Error(
              `worker exited (${code}) first; stderr:\n${errors}\nlog:\n${JSON.stringify(lines.slice(-5))}`,
            ),
          ),
        );
      });
    },
  };
}

/** Stops a worker the way a supervisor does (SIGTERM) and waits for it to exit. */
export async function stopWorker(worker: WorkerProcess): Promise<number | null> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return worker.exited;
}

/**
 * Two worker processes, "one" and "two", on the same settings (the fleet the tests need), with a
 * BullMQ queue on the calls queue for enqueueing; resolves once both workers say they are ready.
 */
export async function startFleet(
  environment: Record<string, string>,
  redisUrl: string,
): Promise<{ workers: WorkerProcess[]; connection: Redis; queue: Queue }> {
  const workers = ['one', 'two'].map((name) => startWorker({ ...environment, ECHOLENS_WORKER_NAME: name }));
  await Promise.all(workers.map((worker) => worker.waitFor((line) => line.msg === 'EchoLens worker ready')));
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  return { workers, connection, queue: new Queue(CALL_QUEUE_NAME, { connection }) };
}
