import { basename } from 'node:path';
import { type Command, Option } from 'commander';
import { formatRttm } from '../../diarize/rttm.js';
import type { DiarizationResult } from '../../pipeline/create-pipeline.js';
import { formatJson } from '../../report/json-format.js';
import { runRenderCommand } from '../batch.js';
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
    await runRenderCommand({
      run,
      verb: 'diarizing',
      pastTense: 'diarized',
      quiet: options.quiet,
      concurrency: options.concurrency,
      extension: options.format,
      work: (file, signal) => run.pipeline.diarize(file, { signal }),
      render: (file, result) => render(file, result, options.format),
      nothingHeard: (result) => (result.conversation.activity ?? []).length === 0,
      describe: (result) => `${result.conversation.speakers.length} speaker(s)`,
      join: 'concatenate',
    });
  });
}
