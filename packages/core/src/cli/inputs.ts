import { basename } from 'node:path';
import {
  collectInputs,
  type IngestedInput,
  type IngestOptions,
  type IngestProblem,
} from '../ingest/collect-inputs.js';

export { type OutputTarget, openOutputTarget } from '../ingest/output-target.js';

/**
 * Expands the command line's sources into recordings: files, folders (walked), `.zip` archives
 * (entries streamed), `s3://bucket/prefix/` and http(s) URLs, with call metadata from
 * `--metadata-pattern` and sidecars. A path that does not exist is kept as it is: the pipeline reports
 * it as a failed input like any other bad file, and the rest go on. What is not a recording comes back
 * in `problems` (see `reportIngestProblems`).
 */
export async function collectRecordings(
  paths: readonly string[],
  options: Pick<IngestOptions, 'metadataPattern' | 'signal' | 'openStorageUrl'> = {},
): Promise<{ inputs: IngestedInput[]; problems: IngestProblem[] }> {
  const inputs: IngestedInput[] = [];
  const problems: IngestProblem[] = [];
  const seen = new Set<string>();
  for await (const item of collectInputs(paths, options)) {
    if (item.kind === 'problem') problems.push(item);
    else if (!seen.has(item.name)) {
      seen.add(item.name);
      inputs.push(item);
    }
  }
  return { inputs, problems };
}

/** Prints what ingestion skipped or refused; returns how many inputs were lost (errors, not warnings). */
export function reportIngestProblems(
  problems: readonly IngestProblem[],
  options: { quiet?: boolean } = {},
): number {
  let errors = 0;
  for (const problem of problems) {
    if (problem.severity === 'error') errors += 1;
    else if (options.quiet) continue;
    process.stderr.write(`${problem.severity === 'error' ? '✗' : '!'} ${problem.name}: ${problem.reason}\n`);
  }
  return errors;
}

/**
 * Output file names: `<input base name>.<extension>`, made unique when two inputs share a base name
 * (`a/call.wav` and `b/call.wav` → `call.json`, `call-2.json`).
 */
export function createOutputNamer(
  reserved: readonly string[] = [],
): (input: string, extension: string) => string {
  const taken = new Set(reserved);
  return (input, extension) => {
    const base = basename(input).replace(/\.[^.]+$/, '') || 'call';
    let candidate = `${base}.${extension}`;
    for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}-${counter}.${extension}`;
    taken.add(candidate);
    return candidate;
  };
}
