import { AudioDecodeError } from '@echolens/provider';
import { MpegFrameChain } from './mpeg-frame.js';
import { type DecodeContext, type PcmBlock, warnDecoding } from './types.js';

/** Codecs decoded in-process by the WebAssembly decoders (no system tools needed). */
export type CompressedCodec = 'mp3' | 'flac' | 'vorbis' | 'opus';

interface WasmDecodedAudio {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

/** The shape the @wasm-audio-decoders family shares (MPEGDecoder decodes synchronously, the rest async). */
interface WasmDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): WasmDecodedAudio | Promise<WasmDecodedAudio>;
  flush?(): Promise<WasmDecodedAudio>;
  free(): void;
}

/**
 * Opus is decoded straight to 16 kHz: libopus resamples internally as part of decoding (its output
 * rate is a decoder parameter), which saves our resampler a 48 kHz pass.
 */
const OPUS_OUTPUT_RATE = 16_000;

// Imported lazily so that loading @echolens/core does not compile four WebAssembly modules.
async function createDecoder(codec: CompressedCodec): Promise<WasmDecoder> {
  switch (codec) {
    case 'mp3': {
      const { MPEGDecoder } = await import('mpg123-decoder');
      return new MPEGDecoder({ enableGapless: true });
    }
    case 'flac': {
      const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
      return new FLACDecoder();
    }
    case 'vorbis': {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      return new OggVorbisDecoder();
    }
    case 'opus': {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      // `sampleRate` is accepted by the decoder (see its README) but missing from its type declarations.
      const options = { sampleRate: OPUS_OUTPUT_RATE } as ConstructorParameters<typeof OggOpusDecoder>[0];
      return new OggOpusDecoder(options);
    }
  }
}

export interface CompressedDecodeOptions {
  codec: CompressedCodec;
  /**
   * Channels the stream really has, when the container says so. mpg123 always outputs two channels,
   * so a mono MP3 would otherwise come out as two identical ones.
   */
  channelCount?: number;
  /** Samples per channel the header promises (FLAC STREAMINFO), to detect truncation. */
  declaredSamples?: number;
}

/**
 * Bytes handed to the decoder at once. Highly compressed input (FLAC frames of silence: 14 KB can hold
 * an hour) expands a lot per call, so small slices keep each decoded block, and the memory it needs before
 * the duration limits see it, small.
 */
const SLICE_BYTES = 4096;

/** Feeds bytes chunk by chunk into a WebAssembly decoder and yields PCM as it comes out. */
export async function* decodeCompressed(
  bytes: AsyncIterable<Uint8Array>,
  options: CompressedDecodeOptions,
  context: DecodeContext,
): AsyncGenerator<PcmBlock> {
  const decoder = await createDecoder(options.codec);
  const chain = options.codec === 'mp3' ? new MpegFrameChain() : undefined;
  let decodedSamples = 0;
  let errorCount = 0;
  let firstError: string | undefined;

  const toBlock = (decoded: WasmDecodedAudio): PcmBlock | undefined => {
    if (decoded.errors.length > 0) {
      errorCount += decoded.errors.length;
      firstError ??= decoded.errors[0]!.message;
    }
    if (decoded.samplesDecoded === 0) return undefined;
    decodedSamples += decoded.samplesDecoded;
    const channels = decoded.channelData
      .slice(0, options.channelCount ?? decoded.channelData.length)
      .map((channel) => channel.subarray(0, decoded.samplesDecoded));
    return { sampleRate: decoded.sampleRate, channels };
  };

  try {
    await decoder.ready;
    for await (const chunk of bytes) {
      chain?.push(chunk);
      for (let offset = 0; offset < chunk.length; offset += SLICE_BYTES) {
        const block = toBlock(await decoder.decode(chunk.subarray(offset, offset + SLICE_BYTES)));
        if (block) yield block;
      }
    }
    if (decoder.flush) {
      const block = toBlock(await decoder.flush());
      if (block) yield block;
    }
  } finally {
    decoder.free();
  }

  if (decodedSamples === 0) {
    throw new AudioDecodeError(
      `no audio could be decoded from the ${options.codec} stream${firstError ? ` (${firstError})` : ''}`,
      { file: context.name },
    );
  }
  if (options.declaredSamples && decodedSamples < options.declaredSamples) {
    throw new AudioDecodeError(
      `truncated: header declares ${options.declaredSamples.toLocaleString('en-US')} samples per channel, file holds ${decodedSamples.toLocaleString('en-US')}`,
      { file: context.name },
    );
  }
  if (errorCount > 0) {
    warnDecoding(
      context,
      `the ${options.codec} decoder skipped ${errorCount} damaged frame(s) (${firstError}); the audio has gaps`,
      { codec: options.codec, errorCount, firstError },
    );
  } else if (chain && chain.breaks > 0) {
    // mpg123 resynchronised past broken frame headers without an error: the frame chain tells.
    warnDecoding(
      context,
      `the mp3 stream lost frame sync ${chain.breaks} time(s) and ${chain.skippedBytes.toLocaleString('en-US')} bytes were skipped; the audio has gaps`,
      { codec: options.codec, breaks: chain.breaks, skippedBytes: chain.skippedBytes },
    );
  }
}
