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
  /**
   * Told about audio the decoder could not read faithfully but did not refuse (skipped damaged frames,
   * NaN samples read as silence), so the result can say so instead of losing it silently.
   */
  onWarning?: (warning: string) => void;
}

/** Logs a decoding warning and reports it to the caller's result. */
export function warnDecoding(
  context: DecodeContext,
  warning: string,
  details: Record<string, unknown>,
): void {
  context.logger?.warn({ file: context.name, ...details }, warning);
  context.onWarning?.(warning);
}
