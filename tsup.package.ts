import { defineConfig, type Options } from 'tsup';

/**
 * How every published EchoLens package is built: ESM for Node 20 with type declarations and source maps.
 * A package's tsup.config.ts is `export default packageBuild()`, with its own entries where it has more.
 */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...overrides,
  });
}
