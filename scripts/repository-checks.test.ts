import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// `pnpm check` (lint, type-check, JSON schemas and API reports up to date) runs as one test of the
// suite rather than before it: it is CPU work that fills the time other test files spend waiting on
// servers, browsers and child processes, instead of adding a minute in front of them.
it('the repository passes pnpm check: biome, tsc, generated schemas, API reports', async () => {
  const result = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'pnpm',
      ['--silent', 'check'],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
  expect(result.code, result.output).toBe(0);
});
