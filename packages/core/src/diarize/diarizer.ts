import type { Logger } from '../adapters/logger.js';
import type { PreparedAudio } from '../audio/types.js';
import type { CallMetadata } from '../schema/audio-input.js';
import type { Diarization } from '../schema/diarization.js';
import type { Transcript } from '../schema/transcript.js';

/** The part of `PreparedAudio` a diarizer reads: samples, channel count, duration, VAD speech regions. */
export type DiarizerAudio = Pick<PreparedAudio, 'pcm' | 'channelCount' | 'durationSec' | 'speech'> & {
  /** Used in errors; the input's name when known. */
  source?: { name: string };
};

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
