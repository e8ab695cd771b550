import { Readable } from 'node:stream';
import { InvalidInputError } from '@echolens/provider';
import {
  collectInputs,
  type IngestedInput,
  type IngestOptions,
  type IngestProblem,
} from '../ingest/collect-inputs.js';

export { AUDIO_EXTENSIONS } from '../ingest/collect-inputs.js';
export { type OutputTarget, openOutputTarget } from '../ingest/output-target.js';

/** A source that fails on first read with the reason ingestion refused the entry. */
function refused(problem: IngestProblem): Readable {
  return new Readable({
    read() {
      this.destroy(new InvalidInputError(problem.reason));
    },
  });
}

/**
 * Expands the command line's sources into recordings: files, folders (walked), `.zip` archives
 * (entries streamed), `s3://bucket/prefix/` and http(s) URLs, with call metadata from
 * `--metadata-pattern` and sidecars. A path that does not exist is kept as it is: the pipeline reports
 * it as a failed input like any other bad file, and the rest go on. Entries refused outright (a zip
 * bomb, a `../` name, a corrupt archive) stay in the batch as inputs that fail with that reason, so
 * they are counted and listed like every other failure; `warnings` are what was only skipped (files
 * that are not recordings) or metadata that could not be read.
 */
export async function collectRecordings(
  paths: readonly string[],
  options: Pick<IngestOptions, 'metadataPattern' | 'signal' | 'openStorageUrl'> = {},
): Promise<{ inputs: IngestedInput[]; warnings: IngestProblem[] }> {
  const inputs: IngestedInput[] = [];
  const warnings: IngestProblem[] = [];
  const seen = new Set<string>();
  for await (const item of collectInputs(paths, options)) {
    if (item.kind === 'problem' && item.severity === 'warning') warnings.push(item);
    else if (!seen.has(item.name)) {
      seen.add(item.name);
      inputs.push(item.kind === 'input' ? item : { kind: 'input', name: item.name, source: refused(item) });
    }
  }
  return { inputs, warnings };
}
