import { describeError } from '@echolens/provider';
import { forEachConcurrently } from '../util/concurrency.js';
import type { ProgressReporter } from './progress.js';

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
