import type { RawEncoding } from '@echolens/provider';

const BYTES_PER_SAMPLE: Record<RawEncoding, number> = {
  pcm_u8: 1,
  pcm_s8: 1,
  pcm_s16le: 2,
  pcm_s16be: 2,
  pcm_s24le: 3,
  pcm_s32le: 4,
  pcm_f32le: 4,
  pcm_f64le: 8,
  mulaw: 1,
  alaw: 1,
};

export function bytesPerSample(encoding: RawEncoding): number {
  return BYTES_PER_SAMPLE[encoding];
}

/** G.711 µ-law byte → linear 16-bit value (ITU-T G.711 expansion). */
function expandMulaw(byte: number): number {
  const inverted = ~byte & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const magnitude = ((((inverted & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** G.711 A-law byte → linear 16-bit value (ITU-T G.711 expansion). */
function expandAlaw(byte: number): number {
  const toggled = byte ^ 0x55;
  const exponent = (toggled >> 4) & 0x07;
  const mantissa = toggled & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return toggled & 0x80 ? magnitude : -magnitude;
}

function companderTable(expand: (byte: number) => number): Float32Array {
  const table = new Float32Array(256);
  for (let byte = 0; byte < 256; byte++) table[byte] = expand(byte) / 32768;
  return table;
}

const MULAW_TABLE = companderTable(expandMulaw);
const ALAW_TABLE = companderTable(expandAlaw);

type SampleAt = (view: DataView, offset: number) => number;

/** Maps each encoding to a reader giving a float in [-1, 1) for the sample at a byte offset. */
const SAMPLE_READERS: Record<RawEncoding, SampleAt> = {
  pcm_u8: (view, offset) => (view.getUint8(offset) - 128) / 128,
  pcm_s8: (view, offset) => view.getInt8(offset) / 128,
  pcm_s16le: (view, offset) => view.getInt16(offset, true) / 32768,
  pcm_s16be: (view, offset) => view.getInt16(offset, false) / 32768,
  pcm_s24le: (view, offset) =>
    ((view.getInt8(offset + 2) << 16) | (view.getUint8(offset + 1) << 8) | view.getUint8(offset)) / 8388608,
  pcm_s32le: (view, offset) => view.getInt32(offset, true) / 2147483648,
  pcm_f32le: (view, offset) => view.getFloat32(offset, true),
  pcm_f64le: (view, offset) => view.getFloat64(offset, true),
  mulaw: (view, offset) => MULAW_TABLE[view.getUint8(offset)]!,
  alaw: (view, offset) => ALAW_TABLE[view.getUint8(offset)]!,
};

/**
 * Turns interleaved sample bytes into one Float32Array per channel. Chunks may split a sample frame
 * anywhere: the incomplete tail is kept for the next call.
 */
export class InterleavedPcmDecoder {
  private readonly frameBytes: number;
  private readonly sampleBytes: number;
  private readonly readSample: SampleAt;
  private carry = new Uint8Array(0);
  private readonly isFloat: boolean;
  /** Float samples that were NaN or ±Infinity, stored as 0 (silence); see `describeNonFinite`. */
  nonFiniteSamples = 0;

  constructor(
    encoding: RawEncoding,
    readonly channelCount: number,
  ) {
    this.sampleBytes = bytesPerSample(encoding);
    this.frameBytes = this.sampleBytes * channelCount;
    this.readSample = SAMPLE_READERS[encoding];
    this.isFloat = encoding === 'pcm_f32le' || encoding === 'pcm_f64le';
  }

  /** A warning for the result when float samples were not numbers, else undefined. */
  describeNonFinite(): string | undefined {
    if (this.nonFiniteSamples === 0) return undefined;
    return `${this.nonFiniteSamples.toLocaleString('en-US')} float sample(s) were NaN or infinite and were read as silence`;
  }

  /** Bytes of an incomplete sample frame still waiting for the rest. */
  get pendingBytes(): number {
    return this.carry.length;
  }

  decode(chunk: Uint8Array): Float32Array[] {
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const frames = Math.floor(bytes.length / this.frameBytes);
    const usedBytes = frames * this.frameBytes;
    this.carry = bytes.slice(usedBytes);

    const view = new DataView(bytes.buffer, bytes.byteOffset, usedBytes);
    const channels: Float32Array[] = [];
    for (let channel = 0; channel < this.channelCount; channel++) {
      const samples = new Float32Array(frames);
      let offset = channel * this.sampleBytes;
      for (let frame = 0; frame < frames; frame++, offset += this.frameBytes) {
        samples[frame] = this.readSample(view, offset);
      }
      // NaN or Infinity would poison the resampler, loudness and every model downstream.
      if (this.isFloat) {
        for (let frame = 0; frame < frames; frame++) {
          if (!Number.isFinite(samples[frame]!)) {
            samples[frame] = 0;
            this.nonFiniteSamples++;
          }
        }
      }
      channels.push(samples);
    }
    return channels;
  }
}
