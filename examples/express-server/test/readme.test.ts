import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { groqChatWireFormat, startWireServer, type WireServer } from '@echolens/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPath, exampleRoot, modelAnswerText, repoRoot, TEST_WHISPER } from './helpers/fixtures.js';
import { freePort, startPostgres, type TestPostgres } from './helpers/postgres.js';

const run = promisify(execFile);

/** The README's shell blocks, in order. */
const blocks = [
  ...readFileSync(join(exampleRoot, 'README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g),
].map((match) => (match[1] as string).trim());

interface Started {
  process: ChildProcess;
  port: number;
  output: () => string;
}

/** Runs a README command that starts the server (from the repository root, as the README says). */
async function startCommand(command: string, environment: Record<string, string>): Promise<Started> {
  const port = await freePort();
  let output = '';
  const child = spawn('bash', ['-c', command], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ECHOLENS_WHISPER_MODEL: TEST_WHISPER,
      ...environment,
    },
    detached: true,
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server stopped: ${output}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { process: child, port, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM to the whole process group (pnpm and the node it started), as a supervisor would. */
async function stop(started: Started | undefined): Promise<void> {
  if (!started || started.process.exitCode !== null) return;
  const exited = new Promise((resolve) => started.process.once('exit', resolve));
  process.kill(-(started.process.pid as number), 'SIGTERM');
  await exited;
}

describe('the README commands', () => {
  let server: Started | undefined;
  let database: TestPostgres | undefined;
  let wire: WireServer | undefined;
  afterAll(async () => {
    await stop(server);
    await database?.stop();
    await wire?.close();
  });

  it('has the blocks this test runs', () => {
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toBe('pnpm example:server');
    // The last block is how the tests themselves are built and run (`pnpm test` does both).
    expect(blocks[3]).toContain('pnpm --filter @echolens/example-express-server build');
    expect(JSON.parse(readFileSync(join(exampleRoot, 'package.json'), 'utf8')).scripts.build).toContain(
      'vite build',
    );
  });

  it('runs the quick start: start with zero configuration, then the curl commands', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'echolens-readme-'));
    server = await startCommand(blocks[0] as string, { ECHOLENS_DATA_DIR: dataDir });
    const key = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
    expect(server.output()).toContain(key);

    const workFolder = mkdtempSync(join(tmpdir(), 'echolens-readme-cwd-'));
    const script = (blocks[1] as string)
      .replaceAll('examples/express-server/data', dataDir)
      .replaceAll('../shared/data/', `${dataPath()}/`)
      .replaceAll('localhost:3000', `127.0.0.1:${server.port}`);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: workFolder });
    // curl prints the answers back to back: the first is the upload's.
    const created = JSON.parse((/\{"calls":\[[^\]]*\]\}/.exec(stdout) as RegExpExecArray)[0]);
    expect(created.calls[0]).toMatchObject({ name: 'azure-call-center-sample.wav', status: 'pending' });
    expect(readFileSync(join(workFolder, 'report.csv'), 'utf8')).toContain('call_id');
    expect(JSON.parse(readFileSync(join(workFolder, 'openapi.json'), 'utf8')).openapi).toBe('3.1.0');
    await stop(server);
    server = undefined;
  });

  it('runs the configured example: PostgreSQL and a Groq model (through its real client, on a local stand-in)', async () => {
    database = await startPostgres();
    wire = await startWireServer();
    wire.reply(groqChatWireFormat.answer({ text: modelAnswerText() }));
    const command = (blocks[2] as string).replace(/DATABASE_URL=\S+/, `DATABASE_URL=${database.url}`);
    server = await startCommand(command, {
      ECHOLENS_DATA_DIR: mkdtempSync(join(tmpdir(), 'echolens-readme-')),
      ECHOLENS_API_KEYS: 'readme-key',
      ECHOLENS_LLM_BASE_URL: groqChatWireFormat.baseURL(wire.origin),
      GROQ_API_KEY: 'gsk-test-readme',
    });
    const base = `http://127.0.0.1:${server.port}`;
    const ready = await (await fetch(`${base}/readyz`)).json();
    expect(ready.checks.database).toBe(true);
    const response = await fetch(`${base}/api/conversations`, {
      method: 'POST',
      headers: { Authorization: 'Bearer readme-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Customer: My parcel never came.\nAgent: I will send a new one today.' }),
    });
    expect(response.status).toBe(201);
    const call = await response.json();
    expect(call.analysis.provenance.adapters.languageModel).toMatchObject({
      provider: expect.stringContaining('groq'),
    });
    expect(wire.requests).toHaveLength(1);
  });
});
