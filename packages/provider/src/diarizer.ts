import type { Logger } from './logger.js';
import type { CallMetadata } from './schema/audio-input.js';
import type { TimeSpan } from './schema/common.js';
import type { Diarization } from './schema/diarization.js';
import type { Transcript } from './schema/transcript.js';

/** Random access to 16 kHz float PCM, one channel at a time (core's prepared audio implements it). */
export interface PcmReader {
  readonly sampleRate: 16_000;
  readonly channelCount: number;
  /** Samples per channel. */
  readonly length: number;
  /** Samples [start, end) of one channel; the range is clamped to the recording. */
  read(channel: number, start: number, end: number): Promise<Float32Array>;
  /** Walks a channel in consecutive chunks (default 30 s) so long calls never sit in memory whole. */
  chunks(
    channel: number,
    options?: { chunkSamples?: number; start?: number; end?: number },
  ): AsyncIterable<Float32Array>;
}

/** What a diarizer reads of a prepared recording: samples, channel count, duration, VAD speech regions. */
export interface DiarizerAudio {
  pcm: PcmReader;
  channelCount: number;
  durationSec: number;
  /** Voice-activity regions per channel, in time order. */
  speech: readonly (readonly (TimeSpan & { score?: number })[])[];
  /** Used in errors; the input's name when known. */
  source?: { name: string };
}

export interface DiarizerInput {
  audio: DiarizerAudio;
  /** Some diarizers use word timings (e.g. to avoid cutting a word in two); none require them. */
  transcript?: Transcript;
  metadata?: CallMetadata;
}

export interface DiarizerCallOptions {
  /** Lower bound on the number of speakers (a hint: the diarizer never returns fewer when there is speech). */
  minSpeakers?: number;
  /** Upper bound on the number of speakers. */
  maxSpeakers?: number;
  signal?: AbortSignal;
  /** Progress within this call, 0-1. */
  onProgress?: (fraction: number) => void;
  logger?: Logger;
}

/**
 * The contract every diarization backend implements: the built-in channel and spectral diarizers,
 * the ONNX loader for neural models, and plugins. It answers "who spoke when" on the audio alone;
 * `buildConversation` then attaches the transcript's words to those speakers and names roles.
 */
export interface Diarizer {
  readonly specificationVersion: 'v1';
  /** e.g. `echolens`, `onnx`. */
  readonly provider: string;
  /** e.g. `channel`, `spectral`, or a model file name. */
  readonly modelId: string;
  diarize(input: DiarizerInput, options?: DiarizerCallOptions): Promise<Diarization>;
  /** Releases loaded models. */
  dispose?(): Promise<void>;
}
