import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const durations = JSON.parse(
  readFileSync(new URL('./test-durations.json', import.meta.url), 'utf8'),
) as Record<string, number>;

/**
 * Longest test files first (seconds recorded in test-durations.json; refresh with
 * scripts/test-durations.mjs). A handful of files that load Whisper take most of the run; started
 * last, one of them keeps a single fork busy while the others sit idle. Longest-first keeps every
 * fork busy to the end, on a fresh clone too, where Vitest has no timings of its own yet. Files with
 * no recorded time go first: they may be long.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const seconds = (file: TestSpecification) =>
      durations[relative(root, file.moduleId)] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
