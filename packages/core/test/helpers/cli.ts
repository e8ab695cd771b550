import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RecordedRequest, startWireServer, type WireHandler } from '@echolens/core/testing';
import { repoRoot } from './data.js';

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI the way a user does (`pnpm echolens …` runs this same file), asynchronously so a
 * wire server in the test process can answer it. `onStderr` sees output as it arrives (to interrupt).
 */
export function echolens(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'packages/core/dist/cli/main.js'), ...args], {
      env: { ...process.env, ...options.env },
      cwd: options.cwd ?? process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs the built CLI against a fresh wire server that answers with `replies` in turn (`args` gets the
 * server's origin). The server is closed afterwards; what it received comes back with the run.
 */
export async function echolensAgainstWireServer(
  replies: readonly WireHandler[],
  args: (origin: string) => readonly string[],
  options: Parameters<typeof echolens>[1] = {},
): Promise<CliRun & { requests: RecordedRequest[] }> {
  const server = await startWireServer();
  try {
    server.reply(...replies);
    const run = await echolens(args(server.origin), options);
    return { ...run, requests: [...server.requests] };
  } finally {
    await server.close();
  }
}
