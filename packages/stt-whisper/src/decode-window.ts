import { random, Tensor } from '@huggingface/transformers';
import { ChooserLastList, EarlyEndProcessor, TokenChooser } from './decoding-hooks.js';
import type { LoadedWhisper } from './load-whisper.js';
import {
  type AttentionTensor,
  alignTokens,
  audioFrames,
  SAMPLES_PER_FRAME,
  type TokenSpan,
} from './word-alignment.js';

export const SAMPLE_RATE = 16_000;
/** Whisper's fixed input: 30 s of audio, 1500 encoder positions of 20 ms. */
export const WINDOW_SAMPLES = 30 * SAMPLE_RATE;
/** Whisper's own limit on generated tokens per window (`sample_len`, half the text context). */
export const MAX_NEW_TOKENS = 224;
/** Longest prompt Whisper accepts ahead of a window (`n_text_ctx // 2 - 1`). */
export const MAX_PROMPT_TOKENS = 223;

/**
 * Whisper's temperature fallback, with its own defaults (openai/whisper `transcribe`): a window is
 * decoded greedily first; when the model doubts the text it kept (mean token log-probability below -1),
 * the window is decoded again by sampling at the next temperature, unless the model says the window
 * holds no speech (no-speech probability above 0.6 with the low log-probability: Whisper's silence
 * rule). A greedy decode can take a wrong first word and follow it into fluent invention ("In order to
 * be able to do this…" for "The Northern Marianas…" on a telephone clip, log-probability -1.7);
 * sampling leaves that path.
 *
 * Two differences from Whisper, both because a sampled text is only worth having when the model
 * believes it:
 * - When no temperature passes, the greedy decode is kept (Whisper keeps the last, faster-whisper the
 *   best-scoring). Among failed attempts the best-scoring one is often a fluent invention: on a dev
 *   telephone clip, 185 tokens of "You can do it…" at -1.33 against the greedy -1.68.
 * - Repetition loops (Whisper: compression ratio above 2.4) are no reason to sample. A loop is cut
 *   where it starts (EarlyEndProcessor) and the speech after it is decoded again from the head of a
 *   later window (core's retry), so what is judged is the text kept; and the ratio also flags a
 *   sentence said twice in one window, which calls have (a reference number read back).
 */
const FALLBACK_TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1] as const;
const LOG_PROBABILITY_THRESHOLD = -1;
const NO_SPEECH_THRESHOLD = 0.6;

export interface DecodeWindowOptions {
  /** Forced language code; detected from the audio when absent. */
  language: string | undefined;
  promptTokens: number[];
  wordTimestamps: boolean;
  signal: AbortSignal | undefined;
}

export interface DecodedWindow {
  /** Generated tokens after the prompt and task prefix, ending with end-of-text when the model stopped. */
  tokens: number[];
  /** Log-probability of each entry of `tokens`. */
  logProbabilities: number[];
  /** Where each entry of `tokens` lies in the window, seconds (cross-attention alignment), when asked. */
  tokenSpans: TokenSpan[] | undefined;
  language: string | undefined;
  languageProbability: number | undefined;
  /** Probability of the no-speech token right after start-of-transcript (Whisper's `no_speech_prob`). */
  noSpeechProbability: number | undefined;
  /** Generation was ended on a repetition loop; `tokens` stop before the first repeat. */
  looped: boolean;
  /** Generation hit MAX_NEW_TOKENS without ending. */
  truncated: boolean;
  /** Temperature of the decode kept: 0, or the first sampled one that passed where the greedy decode failed. */
  temperature: number;
}

function softmaxOver(logits: Float32Array, ids: Iterable<number>): Map<number, number> {
  let maximum = Number.NEGATIVE_INFINITY;
  const chosen = [...ids];
  for (const id of chosen) maximum = Math.max(maximum, logits[id] as number);
  let sum = 0;
  for (const id of chosen) sum += Math.exp((logits[id] as number) - maximum);
  return new Map(chosen.map((id) => [id, Math.exp((logits[id] as number) - maximum) / sum]));
}

function noSpeechProbabilityOf(logits: Float32Array, noSpeechToken: number): number {
  let maximum = Number.NEGATIVE_INFINITY;
  for (const value of logits) if (value > maximum) maximum = value;
  let sum = 0;
  for (const value of logits) sum += Math.exp(value - maximum);
  return Math.exp((logits[noSpeechToken] as number) - maximum) / sum;
}

/**
 * Runs the encoder once; its output feeds language detection and generation alike. Only the hidden
 * state is fetched: exports made for word timestamps also output every layer's self-attention
 * (4 × 6 heads × 1500 × 1500 floats for whisper-tiny, 216 MB per window), which nothing reads, and
 * handing those over to JavaScript cost several times the encoder's own work.
 */
async function encode(whisper: LoadedWhisper, features: Tensor): Promise<Tensor> {
  const session = (whisper.model as unknown as { sessions: Record<string, OrtSession> }).sessions.model;
  if (!session) throw new Error('Whisper model has no encoder session');
  const output = await session.run(
    { input_features: (features as unknown as { ort_tensor: unknown }).ort_tensor },
    [ENCODER_OUTPUT],
  );
  return new Tensor(output[ENCODER_OUTPUT] as never);
}

const ENCODER_OUTPUT = 'last_hidden_state';

interface OrtSession {
  run(feeds: Record<string, unknown>, fetches?: readonly string[]): Promise<Record<string, unknown>>;
}

/** The raw logits of the first decoding step, after start-of-transcript alone (as Whisper's detect_language). */
async function firstStepLogits(whisper: LoadedWhisper, encoded: Tensor): Promise<Float32Array> {
  const startToken = BigInt(whisper.tokens.startOfTranscript);
  const output = (await whisper.model.forward({
    encoder_outputs: encoded,
    decoder_input_ids: new Tensor('int64', BigInt64Array.from([startToken]), [1, 1]),
  })) as { logits: Tensor };
  return output.logits.data as Float32Array;
}

/**
 * Decodes up to 30 s of 16 kHz audio in one pass with timestamp tokens, greedily unless Whisper's
 * temperature fallback (FALLBACK_TEMPERATURES) calls for sampling; the encoder runs once. The language is
 * the forced one or the most likely language token after start-of-transcript; the same step gives
 * the no-speech probability, at the cost of one decoder step rather than a second encoder run.
 */
export async function decodeWindow(
  whisper: LoadedWhisper,
  samples: Float32Array,
  options: DecodeWindowOptions,
): Promise<DecodedWindow> {
  const { tokens } = whisper;
  const features = await whisper.features(samples);
  const encoded = await encode(whisper, features);

  let language = options.language;
  let languageProbability: number | undefined;
  let noSpeechProbability: number | undefined;
  const needsDetection = whisper.multilingual && !language;
  if (needsDetection || tokens.noSpeech !== undefined) {
    const logits = await firstStepLogits(whisper, encoded);
    if (tokens.noSpeech !== undefined) noSpeechProbability = noSpeechProbabilityOf(logits, tokens.noSpeech);
    if (needsDetection) {
      const probabilities = softmaxOver(logits, tokens.languages.values());
      let best: [string, number] | undefined;
      for (const [code, id] of tokens.languages) {
        const probability = probabilities.get(id) ?? 0;
        if (!best || probability > best[1]) best = [code, probability];
      }
      [language, languageProbability] = best ?? [undefined, undefined];
    }
  }

  const initialTokens: number[] = [];
  if (options.promptTokens.length > 0 && tokens.startOfPrevious !== undefined) {
    initialTokens.push(tokens.startOfPrevious, ...options.promptTokens.slice(-MAX_PROMPT_TOKENS));
  }
  initialTokens.push(tokens.startOfTranscript);
  if (whisper.multilingual) {
    initialTokens.push(tokens.languages.get(language ?? 'en') as number, tokens.transcribe);
  }

  const wordTimestamps = options.wordTimestamps && whisper.supportsWordTimestamps;
  let greedy: Attempt | undefined;
  let chosen: Attempt | undefined;
  for (const [index, temperature] of FALLBACK_TEMPERATURES.entries()) {
    // Seeded by attempt, so a window decodes the same way every time (transcripts are cached by input).
    const generator = new random.Random(index);
    const attempt = await generateTokens(whisper, features, encoded, initialTokens, {
      signal: options.signal,
      wordTimestamps,
      temperature,
      random: () => generator.random(),
    });
    greedy ??= attempt;
    if (options.signal?.aborted || !needsFallback(attempt, noSpeechProbability)) {
      chosen = attempt;
      break;
    }
  }
  chosen ??= greedy;
  if (!chosen) throw new Error('no decoding attempt was made');
  const keep = chosen.repeatStart ?? chosen.tokens.length;
  const tokenSpans = chosen.attentions
    ? alignTokens(chosen.attentions, {
        alignmentHeads: whisper.alignmentHeads,
        promptLength: initialTokens.length,
        tokenCount: chosen.tokens.length,
        isText: chosen.tokens.map((token) => token < whisper.tokens.endOfText),
        frames: audioFrames(samples, Math.ceil(samples.length / SAMPLES_PER_FRAME)),
        medianFilterWidth: whisper.medianFilterWidth,
      })
    : undefined;
  return {
    tokens: chosen.tokens.slice(0, keep),
    logProbabilities: chosen.logProbabilities.slice(0, keep),
    tokenSpans: tokenSpans?.slice(0, keep),
    language: whisper.multilingual ? language : 'en',
    languageProbability,
    noSpeechProbability,
    looped: chosen.repeatStart !== undefined,
    truncated: chosen.tokens.length >= MAX_NEW_TOKENS && chosen.tokens.at(-1) !== tokens.endOfText,
    temperature: chosen.temperature,
  };
}

interface Attempt extends GeneratedTokens {
  temperature: number;
  /** Mean log-probability of the tokens kept (before a loop), as Whisper's `avg_logprob`. */
  meanLogProbability: number;
}

/** Whisper's test of a decoding result, on the text kept: doubted, and not silence. */
function needsFallback(attempt: Attempt, noSpeechProbability: number | undefined): boolean {
  if (attempt.meanLogProbability >= LOG_PROBABILITY_THRESHOLD) return false;
  return noSpeechProbability === undefined || noSpeechProbability <= NO_SPEECH_THRESHOLD;
}

interface GeneratedTokens {
  tokens: number[];
  logProbabilities: number[];
  /** Cross-attentions of every decoding step, when word timestamps were asked for. */
  attentions: AttentionTensor[][] | undefined;
  /** Set when generation stopped on a repetition loop: index of the first repeat. */
  repeatStart: number | undefined;
}

async function generateTokens(
  whisper: LoadedWhisper,
  features: Tensor,
  encoded: Tensor,
  initialTokens: number[],
  options: {
    wordTimestamps: boolean;
    signal: AbortSignal | undefined;
    temperature: number;
    random: () => number;
  },
): Promise<Attempt> {
  const earlyEnd = new EarlyEndProcessor({
    initialLength: initialTokens.length,
    timestampBegin: whisper.tokens.timestampBegin,
    endOfText: whisper.tokens.endOfText,
    signal: options.signal,
  });
  const chooser = new TokenChooser(options.temperature, options.random);
  const logitsProcessors = new ChooserLastList(chooser);
  logitsProcessors.push(earlyEnd);

  const output = (await whisper.model.generate({
    inputs: features,
    encoder_outputs: encoded,
    decoder_input_ids: initialTokens,
    return_timestamps: true,
    // Word timings come from the cross-attentions of the decoding steps (see word-alignment.ts).
    ...(options.wordTimestamps ? { output_attentions: true, return_dict_in_generate: true } : {}),
    // An explicit limit also keeps generate() on its single-pass path: windows never exceed 30 s.
    max_new_tokens: MAX_NEW_TOKENS,
    logits_processor: logitsProcessors,
  } as never)) as unknown as Tensor | { sequences: Tensor; cross_attentions?: AttentionTensor[][] };

  const sequenceTensor = output instanceof Tensor ? output : output.sequences;
  const sequence = (sequenceTensor.tolist() as bigint[][])[0]?.map(Number) ?? [];
  const tokens = sequence.slice(initialTokens.length);
  const logProbabilities = chooser.logProbabilities.slice(0, tokens.length);
  // Judged on the tokens kept: a loop is cut where it starts.
  const kept = logProbabilities.slice(0, earlyEnd.repeatStart ?? logProbabilities.length);
  return {
    tokens,
    logProbabilities,
    attentions: output instanceof Tensor ? undefined : output.cross_attentions,
    repeatStart: earlyEnd.repeatStart,
    temperature: options.temperature,
    meanLogProbability: kept.length > 0 ? kept.reduce((sum, value) => sum + value, 0) / kept.length : 0,
  };
}
