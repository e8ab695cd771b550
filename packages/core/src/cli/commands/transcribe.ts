import { type Command, Option } from 'commander';
import type { TranscriptionResult } from '../../pipeline/create-pipeline.js';
import { formatConversation } from '../../report/conversation-formats.js';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '../../report/transcript-formats.js';
import { printSummary, runBatch } from '../batch.js';
import { exitCodeFor } from '../exit-codes.js';
import { trackProgress } from '../progress.js';
import { startRun } from '../run-setup.js';
import { addSharedOptions, type SharedCliOptions } from '../shared-options.js';

interface TranscribeCliOptions extends SharedCliOptions {
  format: TranscriptFormat;
  out?: string;
}

export function registerTranscribe(program: Command): void {
  addSharedOptions(
    program
      .command('transcribe')
      .description('who said what: speaker-labelled transcripts of recordings (no analysis)')
      .argument('<paths...>', 'recordings, folders, .zip archives, s3://bucket/prefix/ or http(s) URLs')
      .addOption(
        new Option('--format <format>', 'txt (speaker: text), srt or vtt (with voices), json')
          .choices(TRANSCRIPT_FORMATS)
          .default('txt'),
      )
      .option('--out <dir>', 'write <name>.<format> per recording here instead of printing'),
  ).action(async (paths: string[], options: TranscribeCliOptions) => {
    const run = await startRun({ paths, options, needsTranscription: true });
    const progress = trackProgress(run.pipeline, {
      total: run.files.length,
      verb: 'transcribing',
      quiet: options.quiet,
      successLines: Boolean(run.output),
    });
    run.logger.setWriter(progress.note);
    const printed = new Map<string, string>();
    const outcome = await runBatch<TranscriptionResult>({
      inputs: run.files.map((file) => ({
        name: file.name,
        run: (signal) => run.pipeline.transcribe(file, { signal }),
      })),
      concurrency: options.concurrency,
      signal: run.signal,
      progress,
      async save(input, result) {
        const text = formatConversation(result.conversation, options.format);
        if (!run.output) {
          printed.set(input.name, run.files.length > 1 ? `==> ${input.name} <==\n${text}` : text);
          return { detail: '' };
        }
        const target = await run.output.write(run.output.nameFor(input.name, options.format), text);
        return { detail: `→ ${target}` };
      },
    });
    await run.pipeline.dispose();
    // Printed in input order once all are done, so concurrent calls never interleave on stdout.
    if (!run.output) {
      process.stdout.write(outcome.results.map((entry) => printed.get(entry.name) ?? '').join('\n'));
    }
    if (run.output || outcome.failures.length > 0 || outcome.interrupted) {
      printSummary({
        noun: 'recording',
        verb: 'transcribed',
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
