import { type Role, RoleSchema } from '@echolens/provider';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createPipeline, type Pipeline, type PipelineOptions } from '../pipeline/create-pipeline.js';

/** Options every audio command takes. */
export interface SharedCliOptions {
  model?: string;
  language?: string;
  concurrency: number;
  channels?: Record<string, Role>;
  modelsDir?: string;
  cache: boolean;
  quiet?: boolean;
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return parsed;
}

/** `agent,customer` → `{ "0": "agent", "1": "customer" }`. */
export function parseChannelRoles(value: string): Record<string, Role> {
  const roles: Record<string, Role> = {};
  value.split(',').forEach((name, channel) => {
    const parsed = RoleSchema.safeParse(name.trim());
    if (!parsed.success)
      throw new InvalidArgumentError(`"${name}" is not a role (agent, customer or unknown)`);
    roles[String(channel)] = parsed.data;
  });
  return roles;
}

export function addSharedOptions(command: Command): Command {
  return command
    .option(
      '--model <id>',
      'Whisper model: a Transformers.js id (Xenova/whisper-base) or a local path',
      undefined,
    )
    .option('--language <code>', 'language of the calls (ISO 639-1, e.g. en); detected when omitted')
    .addOption(
      new Option('--concurrency <n>', 'recordings processed at once').argParser(positiveInteger).default(1),
    )
    .option(
      '--channels <roles>',
      'roles of the channels of stereo recordings, in order, e.g. agent,customer',
      parseChannelRoles,
    )
    .option(
      '--models-dir <dir>',
      'folder of local models (turns downloads off); default $ECHOLENS_MODELS_DIR',
    )
    .option('--no-cache', 'transcribe and analyse again even if the same input was processed before')
    .option('-q, --quiet', 'print only failures and the summary');
}

export function pipelineFromCli(options: SharedCliOptions, extra: PipelineOptions = {}): Pipeline {
  return createPipeline({
    whisper: {
      ...(options.model ? { model: options.model } : {}),
      ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
    },
    ...(options.language ? { language: options.language } : {}),
    ...(options.channels ? { channelRoles: options.channels } : {}),
    ...(options.cache ? {} : { cache: false as const }),
    concurrency: options.concurrency,
    ...extra,
  });
}

/**
 * Ctrl-C stops gracefully: in-flight work is aborted, finished results are kept, and the summary is
 * printed. A second Ctrl-C exits at once.
 */
export function abortOnInterrupt(): AbortController {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nInterrupted: finishing up (press Ctrl-C again to quit at once)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller;
}
