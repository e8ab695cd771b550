import { stat } from 'node:fs/promises';
import {
  APICallError,
  ConfigurationError,
  describeError,
  type Logger,
  MissingCredentialsError,
} from '@echolens/provider';
import { createPipeline, type Pipeline } from '../pipeline/create-pipeline.js';
import { createCliLogger } from './cli-logger.js';
import { AUDIO_EXTENSIONS, collectRecordings } from './inputs.js';
import { OutputFolder } from './output-files.js';
import {
  type AnalysisCliOptions,
  abortOnInterrupt,
  pipelineOptionsFromCli,
  type SharedCliOptions,
} from './shared-options.js';

export interface RunSetup {
  pipeline: Pipeline;
  /** The recordings found (empty for a dialogues run). */
  files: string[];
  /** Where results go; absent when the command prints them instead (no --out). */
  output: OutputFolder | undefined;
  logger: Logger & { setWriter(write: (line: string) => void): void };
  signal: AbortSignal;
}

/** Looks like `s3://…`, `https://…`: not a local path to check. */
const isUrl = (path: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(path);

/**
 * Everything a command checks before any work, so a problem is reported once, with advice, and exits 2
 * without creating outputs: the inputs exist and hold recordings, the output folder is writable, the
 * models load, the language model is reachable and has its key. Warnings (a weaker VAD) are printed.
 */
export async function startRun(setup: {
  paths: readonly string[];
  options: Partial<SharedCliOptions> & AnalysisCliOptions & { out?: string };
  needsTranscription: boolean;
  dialogues?: string;
  /** Report files of an earlier run, removed so they never sit beside newer results looking current. */
  staleFiles?: readonly string[];
}): Promise<RunSetup> {
  const { paths, options } = setup;
  const logger = createCliLogger({ verbose: options.verbose });
  const files = setup.dialogues ? await checkDialogues(paths, setup.dialogues) : await findRecordings(paths);
  const pipeline = createPipeline(await pipelineOptionsFromCli(options, logger));
  const controller = abortOnInterrupt();
  try {
    const { warnings } = await pipeline.preflight({
      signal: controller.signal,
      transcription: setup.needsTranscription,
    });
    for (const warning of warnings) logger.warn(warning);
  } catch (error) {
    throw adviseCliUser(error, options);
  }
  // Opened (created, probed with a real write) only once everything else checked out.
  const output = options.out ? await OutputFolder.open(options.out) : undefined;
  for (const name of setup.staleFiles ?? []) {
    if (await output?.remove(name)) logger.info(`removed ${name} of an earlier run`);
  }
  return { pipeline, files, output, logger, signal: controller.signal };
}

/** The recordings named on the command line; a missing path or an empty selection is an error. */
export async function findRecordings(paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) {
    throw new ConfigurationError('give recordings or folders to process (or --dialogues <file.jsonl>)');
  }
  const missing: string[] = [];
  for (const path of paths) {
    if (isUrl(path)) continue;
    if (!(await stat(path).catch(() => undefined))) missing.push(path);
  }
  if (missing.length > 0) throw new ConfigurationError(`no such file or folder: ${missing.join(', ')}`);
  const files = await collectRecordings(paths);
  if (files.length === 0) {
    throw new ConfigurationError(
      `no recordings found in ${paths.join(', ')} (looked for files ending in ${[...AUDIO_EXTENSIONS].join(', ')})`,
    );
  }
  return files;
}

async function checkDialogues(paths: readonly string[], file: string): Promise<string[]> {
  if (paths.length > 0) throw new ConfigurationError('give either recordings or --dialogues, not both');
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new ConfigurationError(`no such dialogues file: ${file}`);
  return [];
}

/** Library errors reworded for someone at a terminal: which flag or variable fixes it. */
export function adviseCliUser(error: unknown, options: AnalysisCliOptions): unknown {
  const llm = options.llm ? `--llm ${options.llm}` : undefined;
  if (MissingCredentialsError.isInstance(error)) {
    return new ConfigurationError(
      `${llm ? `${llm}: ` : ''}no ${error.service} API key. Set it in the environment first (export ${error.environmentVariableName}=…), or leave out --llm to use the offline analyzer.`,
      { cause: error },
    );
  }
  if (APICallError.isInstance(error) && llm) {
    const where = options.llmBaseUrl ? ` at ${options.llmBaseUrl}` : '';
    const hint =
      error.statusCode === undefined
        ? `Is the server running${where}? Point --llm-base-url at it, or leave out --llm to use the offline analyzer.`
        : error.statusCode === 401 || error.statusCode === 403
          ? 'Check the API key in the environment.'
          : 'Leave out --llm to use the offline analyzer.';
    return new ConfigurationError(`${llm}: ${describeError(error).message}. ${hint}`, { cause: error });
  }
  if (ConfigurationError.isInstance(error) && llm && /does not offer the model/.test(error.message)) {
    return new ConfigurationError(`${llm}: ${error.message}`, { cause: error });
  }
  return error;
}
