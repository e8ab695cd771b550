import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/analyze-folder.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Dependencies stay external: the example runs from its own node_modules.
});
