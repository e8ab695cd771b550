import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    globalSetup: ['./scripts/test-global-setup.ts'],
  },
});
