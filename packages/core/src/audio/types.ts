import type { Readable } from 'node:stream';
import type { CallMetadata, PcmReader, RawAudioFormat } from '@echolens/provider';

export type { PcmReader } from '@echolens/provider';

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

/** Decoded, resampled, measured audio ready for the later stages. Call `dispose()` when done. */
export interface PreparedAudio extends PreparedAudioInfo {
  pcm: PcmReader;
  /** Removes temporary files; safe to call twice. */
  dispose(): Promise<void>;
}
