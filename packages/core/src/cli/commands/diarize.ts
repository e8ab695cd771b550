import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { formatRttm } from '../../diarize/rttm.js';
import type { DiarizationResult } from '../../pipeline/create-pipeline.js';
import { formatJson } from '../../report/json-format.js';
import { printSummary, runBatch } from '../batch.js';
import { exitCodeFor } from '../exit-codes.js';
import { trackProgress } from '../progress.js';
import { startRun } from '../run-setup.js';
import { addSharedOptions, positiveInteger, type SharedCliOptions } from '../shared-options.js';

const DIARIZATION_FORMATS = ['rttm', 'json'] as const;
type DiarizationFormat = (typeof DIARIZATION_FORMATS)[number];

interface DiarizeCliOptions extends SharedCliOptions {
  format: DiarizationFormat;
  out?: string;
}

/** The recording id RTTM uses: the file's base name without its extension. */
export function recordingIdOf(file: string): string {
  return basename(file).replace(/\.[^.]+$/, '') || 'recording';
}

/** RTTM lines, or JSON with the speakers (named by role where known) and who spoke when. */
function render(file: string, result: DiarizationResult, format: DiarizationFormat): string {
  const recording = recordingIdOf(file);
  const activity = result.conversation.activity ?? [];
  if (format === 'rttm') return formatRttm(recording, activity);
  return formatJson({
    recording,
    durationSec: result.audio.durationSec,
    speakers: result.conversation.speakers,
    segments: activity,
  });
}

export function registerDiarize(program: Command): void {
  addSharedOptions(
    program
      .command('diarize')
      .description('who spoke when: speaker turns per recording as RTTM or JSON (no transcription)')
      .argument('<paths...>', 'recordings, folders, .zip archives, s3://bucket/prefix/ or http(s) URLs')
      .addOption(
        new Option('--format <format>', 'output format').choices(DIARIZATION_FORMATS).default('rttm'),
      )
      .option('--out <dir>', 'write <name>.<format> per recording here instead of printing')
      .addOption(
        new Option('--min-speakers <n>', 'fewest speakers in a mono recording').argParser(positiveInteger),
      )
      .addOption(
        new Option('--max-speakers <n>', 'most speakers in a mono recording').argParser(positiveInteger),
      ),
  ).action(async (paths: string[], options: DiarizeCliOptions) => {
    const run = await startRun({ paths, options, needsTranscription: false });
    const progress = trackProgress(run.pipeline, {
      total: run.files.length,
      verb: 'diarizing',
      quiet: options.quiet,
      successLines: Boolean(run.output),
    });
    run.logger.setWriter(progress.note);
    const printed = new Map<string, string>();
    const outcome = await runBatch<DiarizationResult>({
      inputs: run.files.map((file) => ({
        name: file.name,
        run: (signal) => run.pipeline.diarize(file, { signal }),
      })),
      concurrency: options.concurrency,
      signal: run.signal,
      progress,
      async save(input, result) {
        const text = render(input.name, result, options.format);
        if (!run.output) {
          printed.set(input.name, text);
          return { detail: '' };
        }
        const target = await run.output.write(run.output.nameFor(input.name, options.format), text);
        return { detail: `${result.conversation.speakers.length} speaker(s) → ${target}` };
      },
    });
    if (!run.output)
      process.stdout.write(outcome.results.map((entry) => printed.get(entry.name) ?? '').join(''));
    if (run.output || outcome.failures.length > 0 || outcome.interrupted) {
      printSummary({
        noun: 'recording',
        verb: 'diarized',
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
  });
}
