import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveModelsDir } from '../packages/provider/src/models-dir.js';

/**
 * Runs once before the test suite. Tests are offline and hermetic: models come from the folder
 * `npm run setup` filled (remote loading off), and results caches live in a throw-away folder.
 */
export default function setup(): () => void {
  const { dir } = resolveModelsDir();
  // Tiny for almost every test (fast), base for the test of the default model.
  for (const model of ['whisper-tiny', 'whisper-base']) {
    if (!existsSync(join(dir, 'Xenova', model, 'config.json'))) {
      throw new Error(
        `Xenova/${model} is not in ${dir}. Run \`npm run setup\` first (it provides the local models).`,
      );
    }
  }
  process.env.ECHOLENS_MODELS_DIR = dir;
  const scratch = mkdtempSync(join(tmpdir(), 'echolens-test-cache-'));
  process.env.XDG_CACHE_HOME = scratch;
  return () => rmSync(scratch, { recursive: true, force: true });
}
