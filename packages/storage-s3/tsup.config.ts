import { defineConfig } from 'tsup';

export default defineConfig({
  // s3rver-process.js is the server process that `@echolens/storage-s3/testing` starts, beside it in dist/.
  entry: ['src/index.ts', 'src/testing.ts', 'src/s3rver-process.js'],
  external: ['s3rver'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/testing.ts'] },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
