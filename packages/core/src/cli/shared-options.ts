import { type ChannelRoles, type Logger, type Role, RoleSchema } from '@echolens/provider';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RedactionMode } from '../analyze/call-analyzer.js';
import type { PipelineOptions } from '../pipeline/create-pipeline.js';
import { loadLanguageModel, readJsonOption } from './language-model-option.js';

/** Options every audio command takes. */
export interface SharedCliOptions {
  model?: string;
  language?: string;
  concurrency: number;
  channels?: ChannelRoles;
  modelsDir?: string;
  cache: boolean;
  quiet?: boolean;
  verbose?: boolean;
  /** Call metadata from file names (see docs/storage.md). */
  metadataPattern?: string;
  denoise?: boolean;
  /** `diarize` only: bounds on the number of speakers in a mono recording. */
  minSpeakers?: number;
  maxSpeakers?: number;
}

/** Options of the commands that analyse (`analyze`). */
export interface AnalysisCliOptions {
  llm?: string;
  llmBaseUrl?: string;
  taxonomy?: string;
  rules?: string;
  categories?: string;
  redact?: RedactionMode;
  redactTranscripts?: boolean;
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return parsed;
}

/** `agent,customer` → `{ "0": "agent", "1": "customer" }`. */
export function parseChannelRoles(value: string): ChannelRoles {
  const roles: Record<string, Role> = {};
  value.split(',').forEach((name, channel) => {
    const parsed = RoleSchema.safeParse(name.trim());
    if (!parsed.success)
      throw new InvalidArgumentError(`"${name}" is not a role (agent, customer or unknown)`);
    roles[String(channel)] = parsed.data;
  });
  return roles;
}

/** The flags of every command that reads recordings. */
export function addSharedOptions(command: Command): Command {
  return command
    .option(
      '--model <id>',
      'Whisper model: Xenova/whisper-base (default, usable on 8 kHz calls), Xenova/whisper-tiny (up to 1.6x faster, much weaker on phone audio), Xenova/whisper-small (most accurate, 2-3x slower; fetch it first: node scripts/fetch-models.mjs whisper-small), any Transformers.js id or a local folder',
    )
    .option(
      '--denoise',
      'suppress background noise (RNNoise) before transcription; off by default: it measured worse on dev speech',
    )
    .option('--language <code>', 'language of the calls (ISO 639-1, e.g. en); detected when omitted')
    .addOption(
      new Option('--concurrency <n>', 'recordings processed at once').argParser(positiveInteger).default(1),
    )
    .option(
      '--channels <roles>',
      'roles of the channels of stereo recordings, in order, e.g. agent,customer (a mono recording is reported, with roles from what is said)',
      parseChannelRoles,
    )
    .option(
      '--models-dir <dir>',
      'folder of local models (Whisper, Silero VAD); turns downloads off (default: $ECHOLENS_MODELS_DIR, else ~/.cache/echolens/models)',
    )
    .option('--no-cache', 'transcribe and analyse again even if the same input was processed before')
    .option(
      '--metadata-pattern <regex>',
      'call metadata from file names by named groups callId, agent, customer, date, e.g. "^(?<agent>[^_]+)_(?<customer>[^_]+)_(?<date>\\d{8})"',
    )
    .option('-q, --quiet', 'print only failures, warnings and the summary')
    .option('--verbose', 'also print what each stage is doing');
}

/** The flags of commands that produce insights. */
export function addAnalysisOptions(command: Command): Command {
  return command
    .option(
      '--llm <provider:model>',
      'insights from a language model, e.g. openai:gpt-4o-mini, groq:llama-3.3-70b-versatile, ollama:llama3.2 (default: the offline analyzer)',
    )
    .option(
      '--llm-base-url <url>',
      'endpoint for --llm (any OpenAI-compatible server for openai:, the Ollama server for ollama:)',
    )
    .addOption(
      new Option(
        '--redact <when>',
        'remove personal data before text goes to the --llm model: hosted (unless it runs in this process), always, or off (an endpoint you trust)',
      )
        .choices(['hosted', 'always', 'off'])
        .default('hosted'),
    )
    .option(
      '--taxonomy <file.json>',
      'topics to classify calls into: [{"id", "label"?, "description"?, "keywords"?, "examples"?}] (a description and a few example phrases match best)',
    )
    .option('--rules <file.json>', 'compliance rules: [{"id", "description", "kind", "phrases"?, …}]')
    .option('--categories <file.json>', 'category rules that tag calls: [{"id", "conditions": […]}]')
    .option('--redact-transcripts', 'also redact personal data from the stored transcript and conversation');
}

/**
 * The one place command-line flags become pipeline options: each flag is read here and nowhere else
 * (`cli-options.test.ts` checks each reaches the stage that acts on it).
 */
export async function pipelineOptionsFromCli(
  options: Partial<SharedCliOptions> & AnalysisCliOptions,
  logger: Logger,
): Promise<PipelineOptions> {
  return {
    logger,
    ...(options.model ? { whisper: { model: options.model } } : {}),
    ...(options.modelsDir ? { modelsDir: options.modelsDir } : {}),
    ...(options.language ? { language: options.language } : {}),
    ...(options.denoise ? { audio: { denoise: true } } : {}),
    ...(options.channels ? { channelRoles: options.channels } : {}),
    ...(options.minSpeakers || options.maxSpeakers
      ? {
          diarization: {
            ...(options.minSpeakers ? { minSpeakers: options.minSpeakers } : {}),
            ...(options.maxSpeakers ? { maxSpeakers: options.maxSpeakers } : {}),
          },
        }
      : {}),
    ...(options.cache === false ? { cache: false as const } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.llm
      ? {
          languageModel: await loadLanguageModel(
            options.llm,
            options.llmBaseUrl ? { baseURL: options.llmBaseUrl } : {},
          ),
        }
      : {}),
    // Validated where they are used (the analyzer), with errors that name the rule or topic.
    ...(options.taxonomy
      ? { taxonomy: (await readJsonOption(options.taxonomy, 'taxonomy')) as PipelineOptions['taxonomy'] }
      : {}),
    ...(options.rules
      ? {
          complianceRules: (await readJsonOption(
            options.rules,
            'compliance rules',
          )) as PipelineOptions['complianceRules'],
        }
      : {}),
    ...(options.categories
      ? {
          categories: (await readJsonOption(
            options.categories,
            'category rules',
          )) as PipelineOptions['categories'],
        }
      : {}),
    ...(options.redact || options.redactTranscripts
      ? {
          redaction: {
            ...(options.redact ? { beforeModel: options.redact } : {}),
            ...(options.redactTranscripts ? { storedTranscripts: true } : {}),
          },
        }
      : {}),
  };
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
