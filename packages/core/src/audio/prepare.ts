import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '@echolens/provider';
import {
  AudioDecodeError,
  EchoLensError,
  EmptyInputError,
  InvalidInputError,
  type Logger,
  RawAudioFormatSchema,
  silentLogger,
  throwIfAborted,
  toAbortError,
} from '@echolens/provider';
import type { PreparedAudioInfo, SpeechRegion } from '../schema/prepared-audio.js';
import { DEFAULT_MAX_DURATION_SEC, DecodeBudget } from './decode-limits.js';
import { decodeCompressed } from './decoders/compressed.js';
import { decodeWithFfmpeg } from './decoders/ffmpeg.js';
import { decodeRawPcm, type ValidRawAudioFormat } from './decoders/raw-pcm.js';
import type { DecodeContext, PcmBlock } from './decoders/types.js';
import { decodeWav } from './decoders/wav.js';
import { type ChannelDenoising, loadDenoiser } from './denoise.js';
import { DETECTION_HEAD_BYTES, type DetectedFormat, detectAudioFormat } from './format-detection.js';
import { AudioByteSource, audioInputName } from './input-source.js';
import {
  type LoudnessMeasurement,
  LoudnessMeter,
  normalisationGainDb,
  toChannelLoudness,
} from './loudness.js';
import { PCM_SAMPLE_RATE, type PcmStore, PcmStoreWriter } from './pcm-store.js';
import { createResampler, type StreamingResampler } from './resampler.js';
import { TempWorkspace } from './temp-workspace.js';
import type { AudioInput, PreparedAudio } from './types.js';
import { createSpeechDetector } from './vad/detect-speech.js';

export interface PrepareAudioOptions {
  /** 'auto' (default): Silero when its model is found, else energy-based; false: no VAD (whole file is speech). */
  vad?: 'auto' | 'silero' | 'energy' | false;
  /** Folder holding snakers4/silero-vad/silero_vad.onnx; default resolveModelsDir() from ../paths.ts. */
  modelsDir?: string;
  /** Normalise quiet audio (default true). */
  normalize?: boolean;
  /**
   * Suppress background noise with RNNoise before loudness, VAD and transcription (default false: on
   * the measured noisy speech it did not lower Whisper's word error rate; see docs/audio.md).
   */
  denoise?: boolean;
  /**
   * Longest recording accepted, in seconds (default 14,400: four hours). Longer ones, or headers that
   * promise more, are refused with an InvalidInputError before they fill the disk.
   */
  maxDurationSec?: number;
  /** ffmpeg executable (default 'ffmpeg' on PATH). */
  ffmpegPath?: string;
  /** Where file-backed PCM goes (default os.tmpdir()). */
  tempDirectory?: string;
  storage?: Storage; // resolves { storageKey } sources (adapters/storage.ts)
  signal?: AbortSignal;
  onProgress?: (fraction: number, detail?: string) => void;
  logger?: Logger;
}

/**
 * Share of the progress bar for reading and decoding; speech detection gets the rest. Built-in
 * decoders pull bytes as they decode, so bytes read measure both; ffmpeg reads a file we hash or copy
 * first, so there reading gets half and ffmpeg's decoded time against its reported duration the rest.
 */
const DECODE_SHARE = 0.7;

/** Calls `onProgress` only when something visibly changed (every percent, or a new phase). */
class ProgressReporter {
  private lastFraction = -1;
  private lastDetail: string | undefined;

  constructor(private readonly callback?: (fraction: number, detail?: string) => void) {}

  report(fraction: number, detail: string): void {
    if (!this.callback) return;
    const clamped = Math.min(1, Math.max(0, fraction));
    if (detail === this.lastDetail && clamped - this.lastFraction < 0.01 && clamped < 1) return;
    this.lastFraction = clamped;
    this.lastDetail = detail;
    this.callback(clamped, detail);
  }
}

function validRawFormat(input: AudioInput, name: string): ValidRawAudioFormat | undefined {
  if (!input.rawFormat) return undefined;
  const parsed = RawAudioFormatSchema.safeParse(input.rawFormat);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new InvalidInputError(`invalid rawFormat (${issues})`, { file: name });
  }
  return parsed.data;
}

/** Reads the head and decides the format, reading further when a large ID3 tag hides the first frame. */
async function detectFormat(
  source: AudioByteSource,
  rawFormat: ValidRawAudioFormat | undefined,
): Promise<DetectedFormat> {
  let wanted = DETECTION_HEAD_BYTES;
  for (;;) {
    const { head, complete } = await source.readHead(wanted);
    if (head.length === 0) throw new EmptyInputError('the input is empty (0 bytes)', { file: source.name });
    const detected = detectAudioFormat(head, { name: source.name, complete, rawFormat });
    if ('route' in detected) return detected;
    wanted = detected.needBytes;
  }
}

/** ffmpeg needs a seekable file: a local path is used as is, anything else is copied to the workspace. */
async function localFileFor(source: AudioByteSource, workspace: TempWorkspace): Promise<string> {
  if (source.localPath) {
    await source.drain(); // hash it; ffmpeg reads the file itself
    return source.localPath;
  }
  const path = join(await workspace.directory(), 'input');
  await pipeline(source.chunks(), createWriteStream(path));
  return path;
}

interface DecodeRun {
  blocks: AsyncIterable<PcmBlock>;
  /** Filled by ffmpeg once it has described the input. */
  codec?: string;
  expectedSeconds?: number;
  /** Deletes the copy made for ffmpeg as soon as decoding is over. */
  cleanup?: () => Promise<void>;
}

async function startDecoding(
  detected: DetectedFormat,
  source: AudioByteSource,
  workspace: TempWorkspace,
  options: PrepareAudioOptions,
  context: DecodeContext,
): Promise<DecodeRun> {
  const route = detected.route;
  switch (route.kind) {
    case 'wav':
      return { blocks: decodeWav(source.chunks(), context) };
    case 'compressed':
      return { blocks: decodeCompressed(source.chunks(), route, context) };
    case 'raw':
      return { blocks: decodeRawPcm(source.chunks(), route.rawFormat, context) };
    case 'ffmpeg': {
      const path = await localFileFor(source, workspace);
      const run: DecodeRun = {
        blocks: decodeWithFfmpeg(
          {
            path,
            ffmpegPath: options.ffmpegPath,
            expectedFormat: route.probe ? 'unknown' : detected.description,
            onStreamInfo: (info) => {
              run.codec = info.codec;
              run.expectedSeconds = info.durationSec;
            },
          },
          context,
        ),
      };
      if (path !== source.localPath) run.cleanup = () => rm(path, { force: true });
      return run;
    }
  }
}

interface DecodedToStore {
  store: PcmStore;
  measurements: LoudnessMeasurement[];
  nativeSampleRate: number;
}

/** Decode → resample each channel to 16 kHz (→ denoise) → measure loudness → store, one block at a time. */
async function decodeIntoStore(
  run: DecodeRun,
  workspace: TempWorkspace,
  context: DecodeContext,
  onWriter: (writer: PcmStoreWriter) => void,
  onDecodedSeconds?: (seconds: number) => void,
  denoising?: ChannelDenoising,
): Promise<DecodedToStore> {
  let resamplers: StreamingResampler[] | undefined;
  let meters: LoudnessMeter[] = [];
  let writer: PcmStoreWriter | undefined;
  let nativeSampleRate = 0;

  const append = async (channels: Float32Array[]) => {
    channels.forEach((samples, channel) => {
      meters[channel]!.push(samples);
    });
    await writer!.append(channels);
  };

  for await (const block of run.blocks) {
    throwIfAborted(context.signal, context.name);
    if (!resamplers) {
      nativeSampleRate = block.sampleRate;
      resamplers = block.channels.map(() => {
        const resampler = createResampler(block.sampleRate, PCM_SAMPLE_RATE);
        return denoising ? denoising(resampler) : resampler;
      });
      meters = block.channels.map(() => new LoudnessMeter());
      writer = new PcmStoreWriter(block.channels.length, workspace);
      onWriter(writer);
    } else if (block.sampleRate !== nativeSampleRate || block.channels.length !== resamplers.length) {
      throw new AudioDecodeError(
        `the stream changes from ${nativeSampleRate} Hz × ${resamplers.length} channels to ${block.sampleRate} Hz × ${block.channels.length} midway (chained streams are not supported)`,
        { file: context.name },
      );
    }
    const active = resamplers;
    await append(block.channels.map((samples, channel) => active[channel]!.process(samples)));
    onDecodedSeconds?.(writer!.length / PCM_SAMPLE_RATE);
  }
  if (!resamplers || !writer) {
    throw new EmptyInputError('the input holds no audio samples', { file: context.name });
  }
  await append(resamplers.map((resampler) => resampler.flush()));
  if (writer.length === 0)
    throw new EmptyInputError('the input holds no audio samples', { file: context.name });
  const store = await writer.finish();
  return { store, measurements: meters.map((meter) => meter.finish()), nativeSampleRate };
}

function normaliseError(error: unknown, name: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return toAbortError(signal.reason, name);
  if (EchoLensError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AudioDecodeError(`decoding failed: ${message}`, { file: name, cause: error });
}

/**
 * Turns any supported recording into 16 kHz float PCM per channel (stereo calls stay two channels),
 * with loudness, a normalisation gain applied on read, and speech regions. Memory stays bounded
 * however long the recording: bytes stream through the decoder and resampler into a PCM store that
 * moves to temporary files past five minutes. Call `dispose()` on the result to delete them.
 */
export async function prepareAudio(
  input: AudioInput,
  options: PrepareAudioOptions = {},
): Promise<PreparedAudio> {
  const logger = options.logger ?? silentLogger;
  const signal = options.signal;
  const progress = new ProgressReporter(options.onProgress);
  const workspace = new TempWorkspace(options.tempDirectory);
  let source: AudioByteSource | undefined;
  let writer: PcmStoreWriter | undefined;
  let store: PcmStore | undefined;
  const name = audioInputName(input);

  // Until the format is known, assume ffmpeg's split so the bar never moves backwards.
  let readingShare = DECODE_SHARE / 2;

  try {
    source = await AudioByteSource.open(input, {
      storage: options.storage,
      signal,
      onBytes: (read, total) => {
        if (total) progress.report((read / total) * readingShare, 'decoding');
      },
    });
    const rawFormat = validRawFormat(input, name);
    const decodeWarnings: string[] = [];
    const context: DecodeContext = {
      name,
      logger,
      signal,
      onWarning: (warning) => decodeWarnings.push(warning),
    };
    const detected = await detectFormat(source, rawFormat);
    const budget = new DecodeBudget({
      name,
      codec: detected.codec,
      maxDurationSec: options.maxDurationSec ?? DEFAULT_MAX_DURATION_SEC,
    });
    budget.checkDeclared(detected.declaredDurationSec);
    logger.debug(
      { file: name, format: detected.format, codec: detected.codec },
      `detected ${detected.description}`,
    );

    if (detected.route.kind !== 'ffmpeg') readingShare = DECODE_SHARE;
    const denoising = options.denoise ? await loadDenoiser() : undefined;
    const run = await startDecoding(detected, source, workspace, options, context);
    const isPcm = detected.route.kind === 'wav' || detected.route.kind === 'raw';
    run.blocks = budget.guard(run.blocks, () => source?.bytesRead ?? 0, isPcm);
    const decoded = await decodeIntoStore(
      run,
      workspace,
      context,
      (created) => {
        writer = created;
      },
      (seconds) => {
        if (run.expectedSeconds) {
          const decodedShare = Math.min(1, seconds / run.expectedSeconds) * (DECODE_SHARE - readingShare);
          progress.report(readingShare + decodedShare, 'decoding');
        }
      },
      denoising,
    );
    store = decoded.store;
    await run.cleanup?.();
    await source.drain();
    progress.report(DECODE_SHARE, 'decoded');

    const channelCount = store.channelCount;
    const durationSec = store.length / PCM_SAMPLE_RATE;
    const gains = decoded.measurements.map((measurement) =>
      options.normalize === false ? 0 : normalisationGainDb(measurement),
    );
    const pcm = store.reader(gains);

    let speech: SpeechRegion[][];
    let vad: PreparedAudioInfo['vad'];
    if (options.vad === false) {
      speech = Array.from({ length: channelCount }, () => [{ startSec: 0, endSec: durationSec }]);
      vad = { method: 'none' };
    } else {
      const detector = await createSpeechDetector({
        method: options.vad ?? 'auto',
        modelsDir: options.modelsDir,
        signal,
        logger,
      });
      logger.info({ file: name, method: detector.method }, 'detecting speech');
      speech = [];
      for (let channel = 0; channel < channelCount; channel++) {
        const share = (1 - DECODE_SHARE) / channelCount;
        const regions = await detector.detect(
          () => pcm.chunks(channel),
          pcm.length,
          (processed) =>
            progress.report(DECODE_SHARE + share * (channel + processed / pcm.length), 'detecting speech'),
        );
        speech.push(regions);
      }
      vad = detector.fallbackReason
        ? { method: detector.method, fallbackReason: detector.fallbackReason }
        : { method: detector.method };
    }
    throwIfAborted(signal, name);

    const info: PreparedAudioInfo = {
      sampleRate: PCM_SAMPLE_RATE,
      channelCount,
      durationSec,
      source: {
        name,
        format: detected.format,
        codec: run.codec ?? detected.codec,
        sampleRate: detected.sampleRate ?? decoded.nativeSampleRate,
        channelCount,
        byteLength: source.bytesRead,
        sha256: source.sha256(),
        decoder: detected.route.kind === 'ffmpeg' ? 'ffmpeg' : 'builtin',
        ...(decodeWarnings.length > 0 ? { decodeWarnings } : {}),
      },
      loudness: decoded.measurements.map((measurement, channel) =>
        toChannelLoudness(channel, measurement, gains[channel]!),
      ),
      speech,
      vad,
      ...(denoising ? { denoise: 'rnnoise' as const } : {}),
    };
    progress.report(1, 'done');
    const prepared = store;
    return { ...info, pcm, dispose: () => prepared.dispose() };
  } catch (error) {
    await (writer as PcmStoreWriter | undefined)?.abandon();
    await store?.dispose();
    await workspace.remove();
    throw normaliseError(error, name, signal);
  } finally {
    await source?.close();
  }
}
