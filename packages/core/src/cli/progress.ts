import type { Pipeline } from '../pipeline/create-pipeline.js';
import type { StageName } from '../stages/events.js';

/** Rough share of a call's processing time per stage, so the bar moves evenly (transcription dominates). */
const STAGE_WEIGHTS: Record<StageName, number> = {
  preprocess: 0.1,
  transcribe: 0.8,
  diarize: 0.04,
  analyze: 0.06,
  aggregate: 0,
};
const STAGE_OFFSETS: Record<StageName, number> = {
  preprocess: 0,
  transcribe: 0.1,
  diarize: 0.9,
  analyze: 0.94,
  aggregate: 1,
};

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const hours = Math.floor(minutes / 60);
  if (hours > 0) return `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${whole}s`;
}

/** How one input ended: done, done in a weaker way (a fallback, said in `warning`), or failed. */
export type InputOutcome = { ok: true; detail: string; warning?: string } | { ok: false; reason: string };

export interface ProgressReporter {
  /** Marks one input finished and prints its line. */
  finish(name: string, outcome: InputOutcome): void;
  /** Prints a line (a warning) above the bar without breaking it. */
  note(text: string): void;
  /** Clears the bar; call before printing the summary. */
  stop(): void;
}

/**
 * A progress bar with ETA on a terminal, plain lines otherwise (CI logs, pipes). Everything goes to
 * stderr so stdout stays clean for results.
 */
export function trackProgress(
  pipeline: Pick<Pipeline, 'on'>,
  options: {
    total: number;
    verb: string;
    stream?: NodeJS.WriteStream;
    /** No bar and no per-input success lines; failures are always printed. */
    quiet?: boolean;
    /** Print a line per successful input (default true). */
    successLines?: boolean;
  },
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const interactive = Boolean(stream.isTTY) && !options.quiet;
  const started = Date.now();
  const active = new Map<string, { fraction: number; label: string }>();
  let done = 0;

  const overall = () => {
    let inFlight = 0;
    for (const call of active.values()) inFlight += call.fraction;
    return options.total === 0 ? 1 : Math.min(1, (done + inFlight) / options.total);
  };

  const render = () => {
    if (!interactive) return;
    const fraction = overall();
    const elapsed = (Date.now() - started) / 1000;
    const eta = fraction > 0.02 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const current = [...active.values()].at(-1)?.label ?? '';
    const line = `${options.verb} ▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏ ${String(Math.round(fraction * 100)).padStart(3)}% | ${done}/${options.total} | ETA ${formatDuration(eta)} | ${current}`;
    const columns = stream.columns ?? 100;
    stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
  };

  const timer = interactive ? setInterval(render, 250) : undefined;
  timer?.unref();

  const progressOf = (name: string, stage: StageName, withinStage: number, detail?: string) => {
    const fraction = STAGE_OFFSETS[stage] + STAGE_WEIGHTS[stage] * withinStage;
    active.set(name, { fraction, label: `${name}: ${stage}${detail ? ` ${detail}` : ''}` });
  };
  pipeline.on('stage-start', ({ name, stage }) => progressOf(name, stage, 0));
  pipeline.on('stage-progress', ({ name, stage, fraction, detail }) =>
    progressOf(name, stage, fraction, detail),
  );

  const print = (text: string) => {
    if (interactive) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    render();
  };

  return {
    finish(name, outcome) {
      active.delete(name);
      done += 1;
      const counter = `[${done}/${options.total}]`;
      if (!outcome.ok) {
        print(`${counter} ✗ ${name}: ${outcome.reason}`);
        return;
      }
      // A fallback is always shown, even with --quiet: the result is weaker than asked for.
      if (outcome.warning) {
        print(`${counter} ⚠ ${name} ${outcome.detail}\n    ${outcome.warning}`);
        return;
      }
      if (options.quiet || options.successLines === false) {
        render();
        return;
      }
      print(`${counter} ✓ ${name} ${outcome.detail}`);
    },
    note: print,
    stop() {
      if (timer) clearInterval(timer);
      if (interactive) stream.write('\r\x1b[2K');
    },
  };
}
