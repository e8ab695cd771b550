import type { Readable } from 'node:stream';
import type { CallMetadata, RawAudioFormat } from '../schema/audio-input.js';
import type { PreparedAudioInfo } from '../schema/prepared-audio.js';

/** Anything a recording can come from. Strings are file paths, or URLs when they start with http(s)://. */
export type AudioSource =
  | string
  | URL
  | Uint8Array
  | ArrayBuffer
  | Readable
  | ReadableStream<Uint8Array>
  | { storageKey: string };

export interface AudioInput {
  source: AudioSource;
  /** Used in errors, events and output file names; derived from the path, URL or key when absent. */
  name?: string;
  metadata?: CallMetadata;
  /** Required for headerless raw PCM; ignored for self-describing formats. */
  rawFormat?: RawAudioFormat;
}

/** Random access to 16 kHz float PCM, one channel at a time, with the normalisation gain applied. */
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

/** Decoded, resampled, measured audio ready for the later stages. Call `dispose()` when done. */
export interface PreparedAudio extends PreparedAudioInfo {
  pcm: PcmReader;
  /** Removes temporary files; safe to call twice. */
  dispose(): Promise<void>;
}
