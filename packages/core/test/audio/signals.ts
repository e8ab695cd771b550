import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { PcmReader, PreparedAudio } from '../../src/audio/types.js';

/**
 * Test-side signal tools, written independently of the code under test: a minimal reader for the
 * 16-bit reference WAVs, a WAV writer for synthesised variants, ffmpeg as an outside reference decoder,
 * and alignment-aware comparisons.
 */

/** Reads a plain 16-bit PCM WAV (the 16 kHz mono references in asr/audio). */
export function readPcm16Wav(path: string): { sampleRate: number; channels: Float32Array[] } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let sampleRate = 0;
  let channelCount = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      if (view.getUint16(offset + 8, true) !== 1 || view.getUint16(offset + 22, true) !== 16) {
        throw new Error(`${path} is not 16-bit PCM`);
      }
      channelCount = view.getUint16(offset + 10, true);
      sampleRate = view.getUint32(offset + 12, true);
    }
    if (id === 'data') {
      const frames = Math.floor(size / (2 * channelCount));
      const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
      for (let frame = 0; frame < frames; frame++) {
        for (let channel = 0; channel < channelCount; channel++) {
          channels[channel]![frame] =
            view.getInt16(offset + 8 + (frame * channelCount + channel) * 2, true) / 32768;
        }
      }
      return { sampleRate, channels };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}

export async function readChannel(pcm: PcmReader, channel: number): Promise<Float32Array> {
  return pcm.read(channel, 0, pcm.length);
}

/** Mean of all channels: how a stereo original compares with a mono reference made by downmixing. */
export async function readMono(audio: PreparedAudio): Promise<Float32Array> {
  const mono = new Float32Array(audio.pcm.length);
  for (let channel = 0; channel < audio.channelCount; channel++) {
    const samples = await readChannel(audio.pcm, channel);
    for (let index = 0; index < mono.length; index++) mono[index]! += samples[index]! / audio.channelCount;
  }
  return mono;
}

/** Decodes with ffmpeg (an independent implementation) to float samples, interleaved channels split. */
export function ffmpegDecode(path: string, outputArgs: string[] = [], channelCount = 1): Float32Array[] {
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', path, ...outputArgs, '-f', 'f32le', '-c:a', 'pcm_f32le', '-'],
    {
      maxBuffer: 1 << 30,
    },
  );
  const interleaved = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const frames = interleaved.length / channelCount;
  return Array.from({ length: channelCount }, (_, channel) => {
    const samples = new Float32Array(frames);
    for (let frame = 0; frame < frames; frame++)
      samples[frame] = interleaved[frame * channelCount + channel]!;
    return samples;
  });
}

export function ffmpegTranscode(input: string, output: string, args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', input, ...args, output]);
}

export function tone(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const samples = new Float32Array(Math.round(sampleRate * seconds));
  for (let index = 0; index < samples.length; index++) {
    samples[index] = amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate);
  }
  return samples;
}

/** Deterministic white noise (xorshift), uniform in [-amplitude, amplitude]. */
export function whiteNoise(length: number, amplitude: number, seed = 12345): Float32Array {
  let state = seed >>> 0 || 1;
  const samples = new Float32Array(length);
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    samples[index] = ((state / 0xffffffff) * 2 - 1) * amplitude;
  }
  return samples;
}

export function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let index = from; index < to; index++) sum += samples[index]! * samples[index]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

export function peak(samples: Float32Array): number {
  let maximum = 0;
  for (const sample of samples) maximum = Math.max(maximum, Math.abs(sample));
  return maximum;
}

export function toDb(ratio: number): number {
  return 20 * Math.log10(ratio);
}

export interface AlignedComparison {
  /** Samples the candidate lags the reference by (positive: candidate is late). */
  lag: number;
  /** Normalised cross-correlation at that lag (1 = identical shape). */
  correlation: number;
  /** Reference energy over the energy of (reference − best-scaled candidate), in dB. */
  snrDb: number;
}

/**
 * Finds the lag (within ±maxLag samples) that best aligns `candidate` with `reference` on their first
 * seconds, then measures correlation and SNR over the whole overlap, with the candidate scaled by the
 * least-squares gain (so a level difference alone is not counted as error).
 */
export function compareAligned(
  reference: Float32Array,
  candidate: Float32Array,
  maxLag = 480,
): AlignedComparison {
  // Three seconds are plenty to find the lag (speech is not periodic over that span).
  const searchLength = Math.min(reference.length, candidate.length, 48_000 + maxLag) - maxLag;
  let bestLag = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let dot = 0;
    let energy = 0;
    for (let index = maxLag; index < searchLength; index++) {
      const value = candidate[index + lag]!;
      dot += reference[index]! * value;
      energy += value * value;
    }
    const score = dot / Math.sqrt(energy || 1);
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  let dot = 0;
  let referenceEnergy = 0;
  let candidateEnergy = 0;
  const start = Math.max(0, -bestLag);
  const end = Math.min(reference.length, candidate.length - bestLag);
  for (let index = start; index < end; index++) {
    const value = candidate[index + bestLag]!;
    dot += reference[index]! * value;
    referenceEnergy += reference[index]! ** 2;
    candidateEnergy += value * value;
  }
  const gain = dot / candidateEnergy;
  let errorEnergy = 0;
  for (let index = start; index < end; index++) {
    errorEnergy += (reference[index]! - gain * candidate[index + bestLag]!) ** 2;
  }
  return {
    lag: bestLag,
    correlation: dot / Math.sqrt(referenceEnergy * candidateEnergy),
    snrDb: 10 * Math.log10(referenceEnergy / Math.max(errorEnergy, 1e-30)),
  };
}

export type TestEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

/**
 * Writes a RIFF WAVE (or RF64) file from float channels, independently of our decoder: plain PCM or
 * float, optionally as WAVE_FORMAT_EXTENSIBLE, with optional extra chunks before and after the data.
 */
export function encodeWav(
  channels: Float32Array[],
  sampleRate: number,
  encoding: TestEncoding,
  options: { extensible?: boolean; rf64?: boolean; chunkBeforeData?: boolean; chunkAfterData?: boolean } = {},
): Buffer {
  const bytesPerSample = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8 }[encoding];
  const isFloat = encoding === 'f32' || encoding === 'f64';
  const frames = channels[0]!.length;
  const channelCount = channels.length;
  const data = Buffer.alloc(frames * channelCount * bytesPerSample);
  let offset = 0;
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channelCount; channel++) {
      const value = Math.max(-1, Math.min(1, channels[channel]![frame]!));
      const integer = (bits: number) =>
        Math.max(-(2 ** (bits - 1)), Math.min(2 ** (bits - 1) - 1, Math.round(value * 2 ** (bits - 1))));
      if (encoding === 'u8') data.writeUInt8(integer(8) + 128, offset);
      else if (encoding === 's16') data.writeInt16LE(integer(16), offset);
      else if (encoding === 's24') data.writeIntLE(integer(24), offset, 3);
      else if (encoding === 's32') data.writeInt32LE(integer(32), offset);
      else if (encoding === 'f32') data.writeFloatLE(value, offset);
      else data.writeDoubleLE(value, offset);
      offset += bytesPerSample;
    }
  }
  const formatTag = isFloat ? 3 : 1;
  const fmt = Buffer.alloc(options.extensible ? 40 : 16);
  fmt.writeUInt16LE(options.extensible ? 0xfffe : formatTag, 0);
  fmt.writeUInt16LE(channelCount, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channelCount * bytesPerSample, 8);
  fmt.writeUInt16LE(channelCount * bytesPerSample, 12);
  fmt.writeUInt16LE(bytesPerSample * 8, 14);
  if (options.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bytesPerSample * 8, 18);
    fmt.writeUInt32LE(0, 20);
    // Sub-format GUID: format tag followed by the fixed 00000000-0010-0080-00AA00389B71 tail.
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
    fmt.writeUInt16LE(formatTag, 24);
  }
  const chunk = (id: string, body: Buffer, size = body.length) => {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'ascii');
    header.writeUInt32LE(size, 4);
    return Buffer.concat([header, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const parts: Buffer[] = [];
  if (options.rf64) {
    const ds64 = Buffer.alloc(28);
    ds64.writeBigUInt64LE(BigInt(data.length + 100), 0);
    ds64.writeBigUInt64LE(BigInt(data.length), 8);
    ds64.writeBigUInt64LE(BigInt(frames), 16);
    parts.push(chunk('ds64', ds64));
  }
  parts.push(chunk('fmt ', fmt));
  if (options.chunkBeforeData)
    parts.push(chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00test\x00', 'latin1')));
  parts.push(chunk('data', data, options.rf64 ? 0xffffffff : data.length));
  if (options.chunkAfterData) parts.push(chunk('junk', Buffer.from('trailing metadata')));
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write(options.rf64 ? 'RF64' : 'RIFF', 0, 'ascii');
  header.writeUInt32LE(options.rf64 ? 0xffffffff : body.length + 4, 4);
  header.write('WAVE', 8, 'ascii');
  return Buffer.concat([header, body]);
}
