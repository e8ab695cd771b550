import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedis } from '@echolens/cache-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL, TEST_KEY } from '../../express-server/test/helpers/fixtures.js';
import { repoRoot, startWorker, stopWorker, type WorkerProcess } from './helpers/worker-process.js';

const auth = { Authorization: `Bearer ${TEST_KEY}` };

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

describe('the server with REDIS_URL: uploads become jobs for the worker fleet', () => {
  let redis: TestRedis;
  let server: ChildProcess;
  let origin: string;
  let worker: WorkerProcess;
  let dataDir: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    // Server and worker share the data folder (storage and database), as on one machine with a fleet.
    dataDir = mkdtempSync(join(tmpdir(), 'echolens-server-queue-'));
    const environment = {
      REDIS_URL: redis.url,
      ECHOLENS_DATA_DIR: dataDir,
      ECHOLENS_WHISPER_MODEL: 'Xenova/whisper-tiny',
      ECHOLENS_LANGUAGE: 'en',
    };
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(repoRoot, 'examples/express-server/dist/main.js')], {
      env: {
        ...process.env,
        ...environment,
        HOST: '127.0.0.1',
        PORT: String(port),
        ECHOLENS_API_KEYS: TEST_KEY,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    worker = startWorker({ ...environment, ECHOLENS_WORKER_NAME: 'only' });
    await worker.waitFor((line) => line.msg === 'EchoLens worker ready');
    for (;;) {
      const ready = await fetch(`${origin}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('queues an upload on Redis, a worker process analyses it, and the server shows it done', async () => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(CALL())], { type: 'audio/wav' }), 'call.wav');
    const created = await fetch(`${origin}/api/calls`, { method: 'POST', headers: auth, body: form });
    expect(created.status).toBe(202);
    const id = ((await created.json()) as { calls: { id: string }[] }).calls[0]?.id as string;
    let call: { status: string; transcript?: { segments: { text: string }[] }; error?: unknown };
    for (;;) {
      call = (await (await fetch(`${origin}/api/calls/${id}`, { headers: auth })).json()) as typeof call;
      if (call.status === 'done' || call.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(call.status, JSON.stringify(call.error)).toBe('done');
    expect(call.transcript?.segments.length).toBeGreaterThan(0);
    // The work ran in the worker process, not in the server's: the worker logged the job of this call.
    expect(worker.lines.some((line) => line.callId === id)).toBe(true);
  });
});
