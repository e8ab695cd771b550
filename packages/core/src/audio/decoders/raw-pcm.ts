import type { RawAudioFormatSchema } from '@echolens/provider';
import type { z } from 'zod';
import { InterleavedPcmDecoder } from './pcm-encodings.js';
import { type DecodeContext, type PcmBlock, warnDecoding } from './types.js';

export type ValidRawAudioFormat = z.output<typeof RawAudioFormatSchema>;

/** Headerless PCM: every byte is sample data laid out as `rawFormat` says. */
export async function* decodeRawPcm(
  bytes: AsyncIterable<Uint8Array>,
  format: ValidRawAudioFormat,
  context: DecodeContext,
): AsyncGenerator<PcmBlock> {
  const samples = new InterleavedPcmDecoder(format.encoding, format.channels);
  for await (const chunk of bytes) {
    const channels = samples.decode(chunk);
    if (channels[0]!.length > 0) yield { sampleRate: format.sampleRate, channels };
  }
  const nonFinite = samples.describeNonFinite();
  if (nonFinite) warnDecoding(context, nonFinite, { nonFiniteSamples: samples.nonFiniteSamples });
}
