import type { Command } from 'commander';
import { readDialogues } from '../../analyze/dialogue.js';
import { withoutWordTimings } from '../../pipeline/compact-result.js';
import type { Pipeline } from '../../pipeline/create-pipeline.js';
import { formatConversation } from '../../report/conversation-formats.js';
import { formatJson } from '../../report/json-format.js';
import { REPORT_FILES, writeReports } from '../../report/write-reports.js';
import type { CallResult } from '../../schema/call-result.js';
import { type BatchInput, type BatchOutcome, NO_SPEECH_FOUND, printSummary, runBatch } from '../batch.js';
import { exitCodeFor } from '../exit-codes.js';
import type { OutputFolder } from '../output-files.js';
import { trackProgress } from '../progress.js';
import { startRun } from '../run-setup.js';
import {
  type AnalysisCliOptions,
  addAnalysisOptions,
  addSharedOptions,
  type SharedCliOptions,
} from '../shared-options.js';

interface AnalyzeCliOptions extends SharedCliOptions, AnalysisCliOptions {
  out: string;
  dialogues?: string;
  words?: boolean;
}

const REPORT_NAMES = [REPORT_FILES.json, REPORT_FILES.csv, REPORT_FILES.html];

/** One line per call: what a supervisor would glance at first. */
function describeResult(result: CallResult): string {
  const { metrics, insights } = result.analysis;
  const parts: string[] = [];
  if (result.audio && result.conversation.turns.length === 0) {
    // Said first: every figure after it describes a call in which nothing was said.
    parts.push(`${(metrics.durationSec / 60).toFixed(1)} min`, NO_SPEECH_FOUND);
  } else if (result.audio) {
    parts.push(`${(metrics.durationSec / 60).toFixed(1)} min`);
    const talk = metrics.speakers
      .map((speaker) => `${speaker.speaker} ${Math.round(speaker.talkRatio * 100)}%`)
      .join(', ');
    parts.push(`talk ${talk || 'none'}`);
    // How much of the detected speech ended in words: a low figure says the transcript left speech out.
    const coverage = result.analysis.provenance.speechCoverage;
    if (coverage !== undefined) parts.push(`speech covered ${Math.floor(coverage * 100)}%`);
  }
  parts.push(`${insights.intent.primary.topicId}`, `customer ${insights.sentiment.customer.label}`);
  parts.push(insights.resolution.status);
  const cache = result.analysis.provenance.cache;
  if (cache.transcript === 'hit' || cache.analysis === 'hit') parts.push('cached');
  return parts.join(', ');
}

/** The first thing that fell back, said the way a user reads it. */
function degradedReason(result: CallResult): string | undefined {
  const degraded = result.analysis.provenance.degraded;
  if (degraded.length === 0) return undefined;
  const first = degraded[0]!;
  const more =
    degraded.length > 1 ? ` (+${degraded.length - 1} more in the result's provenance.degraded)` : '';
  return `${first.field}: ${first.reason}${more}`;
}

/**
 * Writes `<name>.json` (the result; word timings only with --words) and `<name>.txt` (who said what) for
 * one call.
 */
function saveCall(output: OutputFolder, words: boolean) {
  return async (input: BatchInput<CallResult>, result: CallResult) => {
    const json = output.nameFor(input.name, 'json');
    const target = await output.write(json, formatJson(words ? result : withoutWordTimings(result)));
    if (result.conversation.turns.length > 0) {
      await output.write(json.replace(/\.json$/, '.txt'), formatConversation(result.conversation, 'txt'));
    }
    const degraded = degradedReason(result);
    return { detail: `→ ${target}  ${describeResult(result)}`, ...(degraded ? { degraded } : {}) };
  };
}

/** After the calls: the roll-up (report.json, report.csv, report.html, a page per call) or, if interrupted, none. */
async function finishRun(
  pipeline: Pipeline,
  output: OutputFolder,
  outcome: BatchOutcome<CallResult>,
  total: number,
  noun: string,
  signal: AbortSignal,
): Promise<void> {
  let destination = `${output.path}/`;
  const failures = [...outcome.failures];
  if (!outcome.interrupted) {
    const results = outcome.results.map((entry) => entry.result);
    try {
      const report = await pipeline.aggregate(results, outcome.failures, signal);
      const scratch = await output.scratch();
      await writeReports(report, results, scratch);
      await output.adopt(scratch);
      destination = `${output.path}/ (open ${output.path}/${REPORT_FILES.html})`;
    } catch (error) {
      // The calls are written; a report that cannot be is one more failure, not a crash.
      failures.push({ name: 'report', error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  printSummary({
    noun,
    verb: 'analysed',
    total,
    done: outcome.results.length,
    destination,
    failures,
    degraded: outcome.degraded,
    replaced: output.replaced,
    interrupted: outcome.interrupted,
  });
  process.exitCode = exitCodeFor({
    failed: failures.length,
    degraded: outcome.degraded.length,
    interrupted: outcome.interrupted,
  });
}

export function registerAnalyze(program: Command): void {
  addAnalysisOptions(
    addSharedOptions(
      program
        .command('analyze')
        .description(
          'transcribe, attribute and analyse recordings: <name>.json and <name>.txt per call, plus report.html, report.json and report.csv',
        )
        .argument('[paths...]', 'recordings, folders, .zip archives, s3://bucket/prefix/ or http(s) URLs')
        .option('--out <dir>', 'where results go', 'echolens-output')
        .option('--words', 'keep word timings and confidences in <name>.json (about half its size)')
        .option(
          '--dialogues <file.jsonl>',
          'analyse text conversations instead of audio: JSON lines {"id", "turns": [{"speaker": "agent"|"customer", "text"}]}',
        ),
    ),
  ).action(async (paths: string[], options: AnalyzeCliOptions) => {
    if (options.dialogues) {
      await analyzeDialogues(paths, options);
      return;
    }
    const run = await startRun({ paths, options, needsTranscription: true, staleFiles: REPORT_NAMES });
    const output = run.output as OutputFolder; // --out has a default
    output.reserve(...REPORT_NAMES);
    const progress = trackProgress(run.pipeline, {
      total: run.files.length,
      verb: 'analyzing',
      quiet: options.quiet,
    });
    run.logger.setWriter(progress.note);
    const outcome = await runBatch<CallResult>({
      inputs: run.files.map((file) => ({
        name: file.name,
        run: (signal) => run.pipeline.run(file, { signal }),
      })),
      concurrency: options.concurrency,
      signal: run.signal,
      progress,
      save: saveCall(output, Boolean(options.words)),
    });
    await run.pipeline.dispose();
    await finishRun(run.pipeline, output, outcome, run.files.length, 'call', run.signal);
  });
}

/** `analyze --dialogues chats.jsonl`: the same batch over text conversations (no audio stages). */
async function analyzeDialogues(paths: string[], options: AnalyzeCliOptions): Promise<void> {
  const run = await startRun({
    paths,
    options,
    needsTranscription: false,
    dialogues: options.dialogues,
    staleFiles: REPORT_NAMES,
  });
  const output = run.output as OutputFolder; // --out has a default
  output.reserve(...REPORT_NAMES);
  const { dialogues, errors } = await readDialogues(options.dialogues as string);
  const progress = trackProgress(run.pipeline, {
    total: dialogues.length,
    verb: 'analyzing',
    quiet: options.quiet,
  });
  run.logger.setWriter(progress.note);
  const outcome = await runBatch<CallResult>({
    inputs: dialogues.map(({ line, dialogue }) => {
      const id = dialogue.id ?? `line-${line}`;
      return {
        // A placeholder extension, so ids containing dots keep every part in the file name.
        name: `${id}.dialogue`,
        run: (signal) => run.pipeline.analyzeConversation({ ...dialogue, id }, { signal }),
      };
    }),
    concurrency: options.concurrency,
    signal: run.signal,
    progress,
    save: saveCall(output, Boolean(options.words)),
  });
  const unreadable = errors.map(({ line, error }) => ({ name: `${options.dialogues}:${line}`, error }));
  const named = {
    ...outcome,
    results: outcome.results.map((entry) => ({ ...entry, name: entry.name.replace(/\.dialogue$/, '') })),
    failures: [
      ...unreadable,
      ...outcome.failures.map((f) => ({ ...f, name: f.name.replace(/\.dialogue$/, '') })),
    ],
    degraded: outcome.degraded.map((d) => ({ ...d, name: d.name.replace(/\.dialogue$/, '') })),
  };
  await finishRun(run.pipeline, output, named, dialogues.length + errors.length, 'conversation', run.signal);
}
