// What every bench script starts with: the repository's folders, the dev data, the Whisper models
// folder, `--name value` arguments, and `--help`.
import { readFileSync } from 'node:fs';
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

// Every suite starts its work as soon as it is loaded, so `--help` is answered here, before any of it:
// the running script's opening comment (what it measures and its options), then exit.
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const lines = readFileSync(process.argv[1] ?? '', 'utf8').split('\n');
  const header = lines.slice(lines[0]?.startsWith('#!') ? 1 : 0);
  const end = header.findIndex((line) => !line.startsWith('//'));
  console.log(
    header
      .slice(0, end < 0 ? header.length : end)
      .map((line) => line.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
