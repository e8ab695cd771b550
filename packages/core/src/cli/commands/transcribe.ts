import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transcript } from '@echolens/provider';
import { describeError } from '@echolens/provider';
import { type Command, Option } from 'commander';
import {
  formatTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from '../../report/transcript-formats.js';
import { forEachConcurrently } from '../../util/concurrency.js';
import { collectRecordings, createOutputNamer } from '../inputs.js';
import { trackProgress } from '../progress.js';
import {
  abortOnInterrupt,
  addSharedOptions,
  pipelineFromCli,
  type SharedCliOptions,
} from '../shared-options.js';

interface TranscribeCliOptions extends SharedCliOptions {
  format: TranscriptFormat;
  out?: string;
}

/** With `--channels`, each segment is labelled with its channel's role. */
function labelSpeakers(transcript: Transcript, roles: SharedCliOptions['channels']): Transcript {
  if (!roles) return transcript;
  return {
    ...transcript,
    segments: transcript.segments.map((segment) => {
      const role = roles[String(segment.channel ?? 0)];
      return role && role !== 'unknown' ? { ...segment, speaker: role } : segment;
    }),
  };
}

export function registerTranscribe(program: Command): void {
  addSharedOptions(
    program
      .command('transcribe')
      .description('transcribe recordings (speech-to-text only, no analysis)')
      .argument('<files...>', 'recordings or folders of recordings')
      .addOption(new Option('--format <format>', 'output format').choices(TRANSCRIPT_FORMATS).default('txt'))
      .option('--out <dir>', 'write <name>.<format> per recording here instead of printing'),
  ).action(async (paths: string[], options: TranscribeCliOptions) => {
    const files = await collectRecordings(paths);
    const pipeline = pipelineFromCli(options);
    const controller = abortOnInterrupt();
    const total = files.length;
    const progress = trackProgress(pipeline, {
      total,
      verb: 'transcribing',
      quiet: options.quiet,
      successLines: Boolean(options.out),
    });
    const outputName = createOutputNamer();
    let failed = 0;
    if (options.out) await mkdir(options.out, { recursive: true });
    const printed: string[] = new Array(files.length);

    await forEachConcurrently(
      files,
      options.concurrency,
      async (file, index) => {
        try {
          const { transcript } = await pipeline.transcribe(file, { signal: controller.signal });
          const text = formatTranscript(labelSpeakers(transcript, options.channels), options.format);
          if (options.out) {
            const target = join(options.out, outputName(file, options.format));
            await writeFile(target, text);
            progress.finish(file, { ok: true, detail: `→ ${target}` });
          } else {
            printed[index] = files.length > 1 ? `==> ${file} <==\n${text}` : text;
            progress.finish(file, { ok: true, detail: '' });
          }
        } catch (error) {
          failed += 1;
          progress.finish(file, { ok: false, reason: describeError(error).message.replace(`${file}: `, '') });
        }
      },
      controller.signal,
    );
    progress.stop();
    await pipeline.dispose();
    if (!options.out) process.stdout.write(printed.filter(Boolean).join('\n'));
    if (failed > 0) {
      process.stderr.write(`${failed} of ${total} recording(s) failed\n`);
      process.exitCode = 1;
    }
    if (controller.signal.aborted) process.exitCode = 130;
  });
}
