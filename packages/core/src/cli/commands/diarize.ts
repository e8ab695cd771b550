import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Diarization, Role } from '@echolens/provider';
import { describeError } from '@echolens/provider';
import { type Command, Option } from 'commander';
import { prepareAudio } from '../../audio/prepare.js';
import { createDefaultDiarizer } from '../../diarize/default-diarizer.js';
import { formatRttm } from '../../diarize/rttm.js';
import { forEachConcurrently } from '../../util/concurrency.js';
import { collectRecordings, createOutputNamer } from '../inputs.js';
import { abortOnInterrupt, parseChannelRoles, positiveInteger } from '../shared-options.js';

const DIARIZATION_FORMATS = ['rttm', 'json'] as const;
type DiarizationFormat = (typeof DIARIZATION_FORMATS)[number];

interface DiarizeCliOptions {
  format: DiarizationFormat;
  out?: string;
  minSpeakers?: number;
  maxSpeakers?: number;
  channels?: Record<string, Role>;
  modelsDir?: string;
  concurrency: number;
  quiet?: boolean;
}

/** The recording id RTTM uses: the file's base name without its extension. */
export function recordingIdOf(file: string): string {
  return basename(file).replace(/\.[^.]+$/, '') || 'recording';
}

/** Speakers of channels with a known role are named by it (`agent`, `customer`) in the output. */
function nameByRole(diarization: Diarization, roles: Record<string, Role> | undefined): Diarization {
  if (!roles) return diarization;
  const rename = new Map<string, string>();
  for (const speaker of diarization.speakers) {
    const role = speaker.channel !== undefined ? roles[String(speaker.channel)] : undefined;
    if (role && role !== 'unknown' && ![...rename.values()].includes(role)) rename.set(speaker.id, role);
  }
  const renamed = (id: string) => rename.get(id) ?? id;
  return {
    ...diarization,
    speakers: diarization.speakers.map((speaker) => ({ ...speaker, id: renamed(speaker.id) })),
    segments: diarization.segments.map((segment) => ({ ...segment, speaker: renamed(segment.speaker) })),
  };
}

export function registerDiarize(program: Command): void {
  program
    .command('diarize')
    .description('who spoke when: speaker turns per recording as RTTM or JSON (no transcription)')
    .argument('<files...>', 'recordings or folders of recordings')
    .addOption(new Option('--format <format>', 'output format').choices(DIARIZATION_FORMATS).default('rttm'))
    .option('--out <dir>', 'write <name>.<format> per recording here instead of printing')
    .addOption(
      new Option('--min-speakers <n>', 'fewest speakers in a mono recording').argParser(positiveInteger),
    )
    .addOption(
      new Option('--max-speakers <n>', 'most speakers in a mono recording').argParser(positiveInteger),
    )
    .option(
      '--channels <roles>',
      'roles of the channels of stereo recordings, e.g. agent,customer',
      parseChannelRoles,
    )
    .option('--models-dir <dir>', 'folder of local models (Silero VAD); default $ECHOLENS_MODELS_DIR')
    .addOption(
      new Option('--concurrency <n>', 'recordings processed at once').argParser(positiveInteger).default(1),
    )
    .option('-q, --quiet', 'print only failures')
    .action(async (paths: string[], options: DiarizeCliOptions) => {
      const files = await collectRecordings(paths);
      const controller = abortOnInterrupt();
      const diarizer = createDefaultDiarizer();
      const outputName = createOutputNamer();
      const printed: string[] = new Array(files.length);
      let failed = 0;
      if (options.out) await mkdir(options.out, { recursive: true });

      await forEachConcurrently(
        files,
        options.concurrency,
        async (file, index) => {
          try {
            const audio = await prepareAudio(
              { source: file },
              { signal: controller.signal, ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}) },
            );
            let diarization: Diarization;
            try {
              diarization = nameByRole(
                await diarizer.diarize(
                  { audio },
                  {
                    signal: controller.signal,
                    ...(options.minSpeakers ? { minSpeakers: options.minSpeakers } : {}),
                    ...(options.maxSpeakers ? { maxSpeakers: options.maxSpeakers } : {}),
                  },
                ),
                options.channels,
              );
            } finally {
              await audio.dispose();
            }
            const recording = recordingIdOf(file);
            const text =
              options.format === 'rttm'
                ? formatRttm(recording, diarization.segments)
                : `${JSON.stringify({ recording, ...diarization }, null, 2)}\n`;
            if (options.out) {
              const target = join(options.out, outputName(file, options.format));
              await writeFile(target, text);
              if (!options.quiet)
                process.stderr.write(`✓ ${file}: ${diarization.speakers.length} speaker(s) → ${target}\n`);
            } else printed[index] = text;
          } catch (error) {
            failed += 1;
            process.stderr.write(`✗ ${file}: ${describeError(error).message.replace(`${file}: `, '')}\n`);
          }
        },
        controller.signal,
      );
      if (!options.out)
        process.stdout.write(printed.filter(Boolean).join(options.format === 'json' ? '\n' : ''));
      if (failed > 0) {
        process.stderr.write(`${failed} of ${files.length} recording(s) failed\n`);
        process.exitCode = 1;
      }
      if (controller.signal.aborted) process.exitCode = 130;
    });
}
