import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './scripts/test-sequencer.js';

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the TypeScript sources of every workspace package (fast edit-test loop);
// the CLI tests execute the built `dist/` so the published entry points are exercised too.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@echolens\/core\/testing$/, replacement: source('./packages/core/src/testing/index.ts') },
      { find: /^@echolens\/core$/, replacement: source('./packages/core/src/index.ts') },
      { find: /^@echolens\/([a-z0-9-]+)$/, replacement: source('./packages/$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // Vitest's default is one fork fewer than the CPUs: a single fork on a 2-core machine, which leaves
    // a core idle whenever a test waits on a server, a browser or a child process. Two forks at least;
    // at most four, since each fork may hold a Whisper model (about 1 GB).
    maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
    globalSetup: ['./scripts/test-global-setup.ts'],
    sequence: { sequencer: LongestFirstSequencer },
  },
});
