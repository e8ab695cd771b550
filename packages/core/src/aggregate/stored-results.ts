import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError, SchemaValidationError, StorageError, throwIfAborted } from '@echolens/provider';
import { formatPath } from '../language-model/generate-structured.js';
import { type CallResult, CallResultSchema } from '../schema/call-result.js';

/** Files in a results folder that are not per-call results. */
const REPORT_FILES = new Set(['report.json']);

export type StoredEntry =
  | { ok: true; file: string; result: CallResult }
  | { ok: false; file: string; error: Error };

/** The per-call result files (`<name>.json`) of a results folder, in name order. */
export async function listStoredResults(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw new StorageError(`Cannot read the results folder ${folder}: ${(error as Error).message}`, {
      key: folder,
      cause: error,
    });
  }
  return names
    .filter((name) => name.endsWith('.json') && !REPORT_FILES.has(name))
    .sort()
    .map((name) => join(folder, name));
}

/** Reads and validates one stored call result; a bad file becomes an error naming the file and the problem. */
export async function readStoredResult(file: string): Promise<CallResult> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`not readable JSON (${(error as Error).message})`, {
      file,
      cause: error,
    });
  }
  const parsed = CallResultSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
    }));
    const shown = issues
      .slice(0, 3)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    throw new SchemaValidationError(`not an EchoLens call result (${shown})`, { file, issues });
  }
  return parsed.data;
}

/**
 * Streams the stored per-call results of a folder one at a time, so memory stays flat however many
 * calls there are. A bad file is yielded as an error and the others still come.
 */
export async function* readStoredResults(
  folder: string,
  options: { signal?: AbortSignal } = {},
): AsyncGenerator<StoredEntry> {
  const files = await listStoredResults(folder);
  // A few reads in flight hide the file system's latency; order stays the folder's name order.
  const ahead = 8;
  const reads: Promise<StoredEntry>[] = [];
  const start = (file: string) =>
    readStoredResult(file).then(
      (result): StoredEntry => ({ ok: true, file, result }),
      (error: unknown): StoredEntry => ({ ok: false, file, error: error as Error }),
    );
  let next = 0;
  while (next < files.length && reads.length < ahead) reads.push(start(files[next++] as string));
  while (reads.length > 0) {
    throwIfAborted(options.signal);
    const entry = await (reads.shift() as Promise<StoredEntry>);
    if (next < files.length) reads.push(start(files[next++] as string));
    yield entry;
  }
}
