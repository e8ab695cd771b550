import { packageBuild } from '../../tsup.package.js';

export default packageBuild({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'cli/main': 'src/cli/main.ts' },
  dts: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } },
  splitting: true,
});
