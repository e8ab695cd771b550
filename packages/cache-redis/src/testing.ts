/**
 * @echolens/cache-redis/testing — a throw-away Redis for tests and benchmarks of code that uses the cache
 * or a BullMQ queue: Debian's `redis-server` on a free loopback port, data in a temporary folder, nothing
 * persisted.
 * @packageDocumentation
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Resolves when the server says it accepts connections; rejects with its output if it exits first. */
function whenReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'redis-server is not installed: apt-get install -y redis-server (npm run setup does it)',
            )
          : error,
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
    );
  });
}

/**
 * Starts `redis-server` on a free loopback port with a throw-away folder (no snapshots, no append-only
 * file, `noeviction` as BullMQ requires). Another process can take the port between the probe and the
 * start, so a failed start is tried again on a new port.
 */
export async function startRedisServer(options: { binary?: string } = {}): Promise<TestRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const folder = mkdtempSync(join(tmpdir(), 'echolens-redis-'));
    const port = await freePort();
    const child = spawn(
      options.binary ?? 'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        folder,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await whenReady(child);
    } catch (error) {
      process.off('exit', killOnExit);
      child.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
      if ((error as Error).message.includes('not installed')) throw error;
      lastError = error;
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      async stop() {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  throw lastError;
}
