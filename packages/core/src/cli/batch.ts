import { describeError } from '@echolens/provider';
import type { IngestedInput } from '../ingest/collect-inputs.js';
import { forEachConcurrently } from '../util/concurrency.js';
import { exitCodeFor } from './exit-codes.js';
import { type ProgressReporter, trackProgress } from './progress.js';
import type { RunSetup } from './run-setup.js';

/** One input of a batch: its name (file, URL, dialogue id) and the work that turns it into a result. */
export interface BatchInput<R> {
  name: string;
  run(signal: AbortSignal): Promise<R>;
}

export interface BatchOptions<R> {
  inputs: readonly BatchInput<R>[];
  concurrency: number;
  signal: AbortSignal;
  progress: ProgressReporter;
  /**
   * Writes a finished input's outputs the moment it is done (an interruption keeps finished work) and
   * says what to print. A failed write counts as that input's failure; the others go on.
   */
  save(input: BatchInput<R>, result: R): Promise<{ detail: string; degraded?: string }>;
}

export interface BatchOutcome<R> {
  /** Finished and saved, in input order. */
  results: { name: string; result: R }[];
  failures: { name: string; error: Error }[];
  /** Finished with a fallback (the reason is the first `provenance.degraded` entry, or the like). */
  degraded: { name: string; reason: string }[];
  interrupted: boolean;
}

/**
 * The CLI's one loop, shared by `analyze`, `transcribe` and `diarize`: bounded concurrency, a bad input
 * never stops the others, each result saved as it finishes, Ctrl-C keeps what finished.
 */
export async function runBatch<R>(options: BatchOptions<R>): Promise<BatchOutcome<R>> {
  const { inputs, progress, signal } = options;
  const saved: ({ name: string; result: R } | undefined)[] = new Array(inputs.length);
  const failures: { index: number; name: string; error: Error }[] = [];
  const degraded: { index: number; name: string; reason: string }[] = [];
  await forEachConcurrently(
    inputs,
    options.concurrency,
    async (input, index) => {
      try {
        const result = await input.run(signal);
        const { detail, degraded: reason } = await options.save(input, result);
        saved[index] = { name: input.name, result };
        if (reason) degraded.push({ index, name: input.name, reason });
        progress.finish(input.name, { ok: true, detail, ...(reason ? { warning: reason } : {}) });
      } catch (error) {
        if (signal.aborted) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        failures.push({ index, name: input.name, error: failure });
        progress.finish(input.name, { ok: false, reason: reasonOf(failure, input.name) });
      }
    },
    signal,
  );
  progress.stop();
  const byIndex = <T extends { index: number }>(list: T[]) =>
    list.sort((a, b) => a.index - b.index).map(({ index: _index, ...rest }) => rest);
  return {
    results: saved.filter((entry): entry is { name: string; result: R } => entry !== undefined),
    failures: byIndex(failures),
    degraded: byIndex(degraded),
    interrupted: signal.aborted,
  };
}

/** The error's message without a repeat of the input's name (errors name their file themselves). */
export function reasonOf(error: unknown, name: string): string {
  return describeError(error).message.replace(`${name}: `, '');
}

/** The end of a run: counts, where results went, what fell back, what failed. */
export function printSummary(outcome: {
  noun: string;
  verb: string;
  total: number;
  done: number;
  destination?: string;
  failures: readonly { name: string; error: Error }[];
  degraded: readonly { name: string; reason: string }[];
  replaced?: number;
  interrupted: boolean;
}): void {
  const lines: string[] = [];
  const where = outcome.destination ? ` → ${outcome.destination}` : '';
  lines.push(`${outcome.done} of ${outcome.total} ${outcome.noun}(s) ${outcome.verb}${where}`);
  if (outcome.interrupted)
    lines.push('interrupted: the results above were written; the rest were not processed');
  if (outcome.degraded.length > 0) {
    lines.push(`${outcome.degraded.length} done with a fallback (weaker than asked for):`);
    for (const entry of outcome.degraded) lines.push(`  ${entry.name}: ${entry.reason}`);
  }
  if (outcome.failures.length > 0) {
    lines.push(`${outcome.failures.length} failed:`);
    for (const failure of outcome.failures)
      lines.push(`  ${failure.name}: ${reasonOf(failure.error, failure.name)}`);
  }
  if (outcome.replaced) lines.push(`(${outcome.replaced} file(s) from an earlier run were replaced)`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** What a recording in which nothing was heard is called, on every command's line for it. */
export const NO_SPEECH_FOUND = 'no speech found (silent, or the wrong channel?)';

/**
 * `transcribe` and `diarize`: each input rendered as text, printed to stdout in input order (so concurrent
 * inputs never interleave) or written as `<name>.<extension>` with --out; a summary when anything was
 * written or went wrong; the exit code.
 */
export async function runRenderCommand<R>(options: {
  run: RunSetup;
  verb: string;
  pastTense: string;
  quiet?: boolean;
  concurrency: number;
  extension: string;
  work: (input: IngestedInput, signal: AbortSignal) => Promise<R>;
  /** `name` is the input's display name (its path, archive entry or object key). */
  render: (name: string, result: R) => string;
  /** What a written file's progress line adds, e.g. the speaker count. */
  describe?: (result: R) => string;
  /** Whether no speech was found: said on stderr, since an empty transcript alone reads like a failure. */
  nothingHeard?: (result: R) => boolean;
  /** Between printed outputs of several inputs; `==> name <==` headers when set to 'headers'. */
  join: 'headers' | 'concatenate';
}): Promise<void> {
  const { run } = options;
  const progress = trackProgress(run.pipeline, {
    total: run.files.length,
    verb: options.verb,
    quiet: options.quiet,
    successLines: Boolean(run.output),
  });
  run.logger.setWriter(progress.note);
  const printed = new Map<string, string>();
  const outcome = await runBatch<R>({
    inputs: run.files.map((file) => ({ name: file.name, run: (signal) => options.work(file, signal) })),
    concurrency: options.concurrency,
    signal: run.signal,
    progress,
    async save(input, result) {
      if (options.nothingHeard?.(result))
        run.logger.warn({ file: input.name }, `${input.name}: ${NO_SPEECH_FOUND}`);
      const text = options.render(input.name, result);
      if (!run.output) {
        const many = options.join === 'headers' && run.files.length > 1;
        printed.set(input.name, many ? `==> ${input.name} <==\n${text}` : text);
        return { detail: '' };
      }
      const target = await run.output.write(run.output.nameFor(input.name, options.extension), text);
      return { detail: [options.describe?.(result), `→ ${target}`].filter(Boolean).join(' ') };
    },
  });
  await run.pipeline.dispose();
  if (!run.output) {
    const texts = outcome.results.map((entry) => printed.get(entry.name) ?? '');
    process.stdout.write(texts.join(options.join === 'headers' ? '\n' : ''));
  }
  if (run.output || outcome.failures.length > 0 || outcome.interrupted) {
    printSummary({
      noun: 'recording',
      verb: options.pastTense,
      total: run.files.length,
      done: outcome.results.length,
      ...(run.output ? { destination: `${run.output.path}/` } : {}),
      failures: outcome.failures,
      degraded: outcome.degraded,
      replaced: run.output?.replaced ?? 0,
      interrupted: outcome.interrupted,
    });
  }
  process.exitCode = exitCodeFor({
    failed: outcome.failures.length,
    degraded: 0,
    interrupted: outcome.interrupted,
  });
}
