import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, ModelLoadError } from '@echolens/provider';
import {
  AutoProcessor,
  AutoTokenizer,
  type DataType,
  type PreTrainedTokenizer,
  type Tensor,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import { logMelFeatures, type WhisperFeatureExtractorLike } from './log-mel.js';
import type { ModelLookup, WhisperModelLocation } from './model-location.js';

/** The token ids decoding needs, read from the model's own tokenizer and generation config. */
export interface WhisperSpecialTokens {
  startOfTranscript: number;
  endOfText: number;
  startOfPrevious: number | undefined;
  transcribe: number;
  noSpeech: number | undefined;
  noTimestamps: number;
  /** `<|0.00|>`; every id from here on is a timestamp in 0.02 s steps. */
  timestampBegin: number;
  /** ISO code (`en`) → language token id, in the model's own order. */
  languages: Map<string, number>;
}

/** The parts of the Whisper tokenizer used here, some of which its typings mark private. */
export interface WhisperTokenizerLike extends PreTrainedTokenizer {
  combineTokensIntoWords(tokens: number[], language?: string): [string[], number[][], number[][]];
}

interface WhisperGenerationConfig {
  decoder_start_token_id: number;
  eos_token_id: number | number[];
  no_timestamps_token_id: number;
  lang_to_id?: Record<string, number>;
  task_to_id?: Record<string, number>;
  alignment_heads?: [number, number][] | null;
  is_multilingual?: boolean;
}

export interface LoadedWhisper {
  modelId: string;
  /** Log-mel features of up to 30 s of 16 kHz audio, padded to 30 s. */
  features(samples: Float32Array): Promise<Tensor>;
  tokenizer: WhisperTokenizerLike;
  model: WhisperForConditionalGeneration;
  tokens: WhisperSpecialTokens;
  /** Multilingual models take a language token; English-only (`.en`) models take none. */
  multilingual: boolean;
  /** Word timings need the cross-attention heads that align with time; not every export lists them. */
  supportsWordTimestamps: boolean;
  /** The cross-attention heads (layer, head) that align with time, from the generation config. */
  alignmentHeads: [number, number][];
  /** Width of the median filter over attention frames (the model config's, else OpenAI's 7). */
  medianFilterWidth: number;
  dispose(): Promise<void>;
}

/** File-name suffix Transformers.js uses for each weight type. */
const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

function howToGetIt(modelId: string): string {
  const shortName = modelId.replace(/^Xenova\//, '');
  return (
    `Run \`node scripts/fetch-models.mjs ${shortName}\` in an EchoLens checkout to put it in the models folder ` +
    '(`npm run setup` does this for whisper-base and whisper-tiny; whisper-small is fetched only when named), ' +
    'or set ECHOLENS_MODELS_DIR / the modelsDir option to a folder that holds it ' +
    '(Transformers.js layout: <folder>/<owner>/<name>/config.json and onnx/).'
  );
}

function checkLocalWeights(location: Extract<WhisperModelLocation, { kind: 'local' }>, dtype: string): void {
  const suffix = DTYPE_SUFFIX[dtype];
  if (suffix === undefined) return; // unknown to us; let Transformers.js decide
  const missing = ['encoder_model', 'decoder_model_merged']
    .map((name) => join(location.directory, 'onnx', `${name}${suffix}.onnx`))
    .filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new ModelLoadError(
      location.modelId,
      `Whisper model "${location.modelId}" in ${location.directory} has no ${dtype} weights (missing ${missing.join(', ')}). ` +
        `Pass the dtype whose files are present (the EchoLens downloads are q8) or fetch the ${dtype} files.`,
    );
  }
}

function readSpecialTokens(
  tokenizer: PreTrainedTokenizer,
  config: WhisperGenerationConfig,
): WhisperSpecialTokens {
  const vocabulary = tokenizer.get_vocab();
  const languages = new Map<string, number>();
  for (const [token, id] of Object.entries(config.lang_to_id ?? {})) {
    const code = /^<\|([a-z]+)\|>$/.exec(token)?.[1];
    if (code) languages.set(code, id);
  }
  const endOfText = Array.isArray(config.eos_token_id) ? config.eos_token_id[0] : config.eos_token_id;
  return {
    startOfTranscript: config.decoder_start_token_id,
    endOfText: endOfText ?? tokenizer.eos_token_id,
    startOfPrevious: vocabulary.get('<|startofprev|>'),
    transcribe: config.task_to_id?.transcribe ?? (vocabulary.get('<|transcribe|>') as number),
    // Older exports call it <|nocaptions|>, newer ones <|nospeech|>; same meaning.
    noSpeech: vocabulary.get('<|nospeech|>') ?? vocabulary.get('<|nocaptions|>'),
    noTimestamps: config.no_timestamps_token_id,
    timestampBegin: config.no_timestamps_token_id + 1,
    languages,
  };
}

/** Loads processor, tokenizer and model once; every failure becomes a ModelLoadError that says what to do. */
export async function loadWhisper(
  lookup: ModelLookup,
  requestedModel: string,
  dtype: string,
  logger: Logger,
): Promise<LoadedWhisper> {
  const location = lookup.location;
  if (!location) {
    throw new ModelLoadError(
      requestedModel,
      `Whisper model "${requestedModel}" was not found (looked in ${lookup.searched.join(', ')}; remote downloads are off ` +
        `because a models folder was configured). ${howToGetIt(requestedModel)}`,
    );
  }
  const source = location.kind === 'local' ? location.directory : location.modelId;
  const loadOptions =
    location.kind === 'local'
      ? { local_files_only: true }
      : { local_files_only: false, cache_dir: location.cacheDirectory };
  if (location.kind === 'local') checkLocalWeights(location, dtype);
  const started = performance.now();
  try {
    const [processor, tokenizer, model] = await Promise.all([
      AutoProcessor.from_pretrained(source, loadOptions),
      AutoTokenizer.from_pretrained(source, loadOptions),
      WhisperForConditionalGeneration.from_pretrained(source, {
        ...loadOptions,
        dtype: dtype as DataType,
        device: 'cpu',
      }) as Promise<WhisperForConditionalGeneration>,
    ]);
    const config = model.generation_config as unknown as WhisperGenerationConfig;
    if (typeof config?.no_timestamps_token_id !== 'number') {
      throw new Error('its generation_config.json has no no_timestamps_token_id: not a Whisper export');
    }
    // Decoding runs the encoder once per window and reuses its output for language detection and
    // generation; `generate` only forwards the inputs named here, so the encoder output is added.
    const forwardParameters = (model as unknown as { forward_params: string[] }).forward_params;
    if (!forwardParameters.includes('encoder_outputs')) forwardParameters.push('encoder_outputs');
    logger.debug(
      { modelId: location.modelId, source, dtype, ms: Math.round(performance.now() - started) },
      'whisper model loaded',
    );
    return {
      modelId: location.modelId,
      features: (samples) => {
        const full = async (audio: Float32Array) =>
          ((await processor(audio)) as { input_features: Tensor }).input_features;
        const extractor = (processor as unknown as { feature_extractor?: WhisperFeatureExtractorLike })
          .feature_extractor;
        return extractor ? logMelFeatures(extractor, samples, full) : full(samples);
      },
      tokenizer: tokenizer as WhisperTokenizerLike,
      model,
      tokens: readSpecialTokens(tokenizer, config),
      multilingual: config.is_multilingual !== false && Object.keys(config.lang_to_id ?? {}).length > 0,
      supportsWordTimestamps: Array.isArray(config.alignment_heads) && config.alignment_heads.length > 0,
      alignmentHeads: config.alignment_heads ?? [],
      medianFilterWidth:
        (model.config as unknown as { median_filter_width?: number }).median_filter_width ?? 7,
      dispose: async () => {
        await model.dispose();
      },
    };
  } catch (error) {
    if (ModelLoadError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      location.kind === 'local'
        ? `Could not load Whisper model "${location.modelId}" (${dtype}) from ${location.directory}: ${reason}. ` +
          'The files may be incomplete or corrupt.'
        : `Could not download Whisper model "${location.modelId}" (${dtype}) from the Hugging Face hub into ` +
          `${location.cacheDirectory}: ${reason}. Check the network and the model id; offline, put the model in that folder.`;
    throw new ModelLoadError(location.modelId, `${message} ${howToGetIt(location.modelId)}`, {
      cause: error,
    });
  }
}
