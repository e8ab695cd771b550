// What every bench script starts with: the repository's folders, the dev data, the Whisper models
// folder, and `--name value` arguments.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The dev data: ECHOLENS_TEST_DATA, else ../shared/data beside the repository. */
export const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(root, '..', 'shared', 'data');
/** Where the suites write their JSON and inputs: bench/out. */
export const outDir = join(root, 'bench', 'out');
/** The Whisper models: ECHOLENS_MODELS_DIR, else echolens/models in the XDG cache. */
export const modelsDir =
  process.env.ECHOLENS_MODELS_DIR ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'echolens', 'models');

/** The value after `--name` on the command line, or `fallback` without one. */
export const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
