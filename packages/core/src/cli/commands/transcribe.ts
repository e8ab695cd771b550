import { type Command, Option } from 'commander';
import { formatConversation } from '../../report/conversation-formats.js';
import { TRANSCRIPT_FORMATS, type TranscriptFormat } from '../../report/transcript-formats.js';
import { runRenderCommand } from '../batch.js';
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
    await runRenderCommand({
      run,
      verb: 'transcribing',
      pastTense: 'transcribed',
      quiet: options.quiet,
      concurrency: options.concurrency,
      extension: options.format,
      work: (file, signal) => run.pipeline.transcribe(file, { signal }),
      render: (_file, result) => formatConversation(result.conversation, options.format),
      nothingHeard: (result) => result.conversation.turns.length === 0,
      join: 'headers',
    });
  });
}
