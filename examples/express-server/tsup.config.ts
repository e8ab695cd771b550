import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts', 'src/server.ts', 'src/queue-contract.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: false,
  target: 'node20',
  // Dependencies stay external: the example runs from its own node_modules.
});
