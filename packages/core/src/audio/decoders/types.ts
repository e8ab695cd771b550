import type { Logger } from '@echolens/provider';

/** A run of decoded samples at the decoder's native rate, one Float32Array per channel (equal lengths). */
export interface PcmBlock {
  sampleRate: number;
  channels: Float32Array[];
}

/** What every decoder gets besides the bytes: the input's name for error messages, and a logger. */
export interface DecodeContext {
  name: string;
  logger?: Logger;
  signal?: AbortSignal;
}
