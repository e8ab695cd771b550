import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The shared third-party test material (`../shared/data` beside the checkout, or $ECHOLENS_TEST_DATA).
 * Missing data fails loudly: a silently skipped test would be a test that cannot fail.
 */
export const dataRoot = process.env.ECHOLENS_TEST_DATA ?? resolve(repoRoot, '..', 'shared', 'data');

export function dataPath(...parts: string[]): string {
  const path = join(dataRoot, ...parts);
  if (!existsSync(path))
    throw new Error(`Test data missing: ${path} (set ECHOLENS_TEST_DATA to the shared data folder)`);
  return path;
}

/** Rows of a JSON-lines manifest, with `audio` (and `rttm`, `stereo`, `original`) resolved to absolute paths. */
export function readManifest<T = Record<string, unknown>>(...parts: string[]): T[] {
  const manifest = dataPath(...parts);
  const base = dirname(manifest);
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const row = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['audio', 'rttm', 'stereo', 'original']) {
        if (typeof row[key] === 'string') row[key] = join(base, row[key] as string);
      }
      return row as T;
    });
}
