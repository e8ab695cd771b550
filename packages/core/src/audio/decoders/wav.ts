import type { RawEncoding } from '@echolens/provider';
import { AudioDecodeError } from '@echolens/provider';
import { checkDeclaredFormat } from '../decode-limits.js';
import { ByteStreamReader } from './byte-stream-reader.js';
import { bytesPerSample, InterleavedPcmDecoder } from './pcm-encodings.js';
import { type DecodeContext, type PcmBlock, warnDecoding } from './types.js';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** RIFF writers that stream (ffmpeg to a pipe, recorders still running) leave sizes at these values. */
const SIZE_UNKNOWN = 0xffffffff;

export interface WavFormat {
  /** The effective format tag (the sub-format for WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  channelCount: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** How to turn the bytes into samples, or undefined when only ffmpeg can (ADPCM, GSM, MP3-in-WAV…). */
  encoding: RawEncoding | undefined;
}

function fourCharacterCode(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

function littleEndianView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function encodingFor(formatTag: number, sampleBytes: number): RawEncoding | undefined {
  if (formatTag === WAVE_FORMAT_PCM) {
    return ({ 1: 'pcm_u8', 2: 'pcm_s16le', 3: 'pcm_s24le', 4: 'pcm_s32le' } as const)[sampleBytes as 1];
  }
  if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    return ({ 4: 'pcm_f32le', 8: 'pcm_f64le' } as const)[sampleBytes as 4];
  }
  if (formatTag === WAVE_FORMAT_ALAW && sampleBytes === 1) return 'alaw';
  if (formatTag === WAVE_FORMAT_MULAW && sampleBytes === 1) return 'mulaw';
  return undefined;
}

/** Reads a `fmt ` chunk body; throws AudioDecodeError when it is too short or self-contradictory. */
export function parseFormatChunk(body: Uint8Array, context: DecodeContext): WavFormat {
  if (body.length < 16) {
    throw new AudioDecodeError(`the WAV fmt chunk is ${body.length} bytes, expected at least 16`, {
      file: context.name,
    });
  }
  const view = littleEndianView(body);
  let formatTag = view.getUint16(0, true);
  const channelCount = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bitsPerSample = view.getUint16(14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE && body.length >= 26) {
    formatTag = view.getUint16(24, true); // first two bytes of the sub-format GUID
  }
  if (channelCount === 0 || sampleRate === 0 || blockAlign === 0) {
    throw new AudioDecodeError(
      `the WAV header is inconsistent: ${channelCount} channels, ${sampleRate} Hz, block size ${blockAlign}`,
      { file: context.name },
    );
  }
  checkDeclaredFormat('WAV header', sampleRate, channelCount, context.name);
  const sampleBytes = blockAlign / channelCount;
  const encoding = Number.isInteger(sampleBytes) ? encodingFor(formatTag, sampleBytes) : undefined;
  if (encoding && bytesPerSample(encoding) * channelCount !== blockAlign) {
    throw new AudioDecodeError(
      `the WAV header is inconsistent: block size ${blockAlign} for ${channelCount} channels of ${bitsPerSample}-bit samples`,
      { file: context.name },
    );
  }
  return { formatTag, channelCount, sampleRate, blockAlign, bitsPerSample, encoding };
}

/** The `fmt ` chunk found in the first bytes of a RIFF/RF64 WAVE file, if it is there. */
export function findWavFormat(head: Uint8Array, context: DecodeContext): WavFormat | undefined {
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = fourCharacterCode(head, offset);
    const size = littleEndianView(head).getUint32(offset + 4, true);
    if (id === 'fmt ') {
      if (offset + 8 + size > head.length) return undefined;
      return parseFormatChunk(head.subarray(offset + 8, offset + 8 + size), context);
    }
    if (id === 'data') return undefined;
    offset += 8 + size + (size & 1);
  }
  return undefined;
}

/**
 * The audio bytes the data chunk declares, when its header is in `head` and gives a real size (streamed
 * files leave 0 or 0xFFFFFFFF there; RF64 keeps the size in ds64, where it is not looked for).
 */
export function declaredWavDataBytes(head: Uint8Array): number | undefined {
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = fourCharacterCode(head, offset);
    const size = littleEndianView(head).getUint32(offset + 4, true);
    if (id === 'data') return size === 0 || size === SIZE_UNKNOWN ? undefined : size;
    offset += 8 + size + (size & 1);
  }
  return undefined;
}

export function wavCodecName(format: WavFormat): string {
  return format.encoding ?? `wav_format_0x${format.formatTag.toString(16).padStart(4, '0')}`;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * Streams the samples of a RIFF/RF64/BW64 WAVE file. Chunks other than `fmt `, `ds64` and `data` are
 * skipped; anything after the data chunk is left unread (the caller still drains it for the hash).
 */
export async function* decodeWav(
  bytes: AsyncIterable<Uint8Array>,
  context: DecodeContext,
  onFormat?: (format: WavFormat) => void,
): AsyncGenerator<PcmBlock> {
  const file = context.name;
  const truncatedHeader = (where: string) =>
    new AudioDecodeError(`truncated: the file ends inside the WAV header (${where})`, { file });
  const reader = new ByteStreamReader(bytes);

  const riff = await reader.read(12);
  if (riff.length < 12) throw truncatedHeader('RIFF header');
  const riffId = fourCharacterCode(riff, 0);
  if (!['RIFF', 'RF64', 'BW64'].includes(riffId) || fourCharacterCode(riff, 8) !== 'WAVE') {
    throw new AudioDecodeError('not a RIFF WAVE file', { file });
  }
  const riffSize = littleEndianView(riff).getUint32(4, true);

  let format: WavFormat | undefined;
  let dataSize64: number | undefined;
  for (;;) {
    const header = await reader.read(8);
    if (header.length === 0) {
      throw new AudioDecodeError(
        format ? 'the WAV file has no data chunk' : 'the WAV file has no fmt or data chunk',
        { file },
      );
    }
    if (header.length < 8) throw truncatedHeader('chunk header');
    const id = fourCharacterCode(header, 0);
    const size = littleEndianView(header).getUint32(4, true);

    if (id === 'data') {
      if (!format) throw new AudioDecodeError('the WAV data chunk comes before its fmt chunk', { file });
      const fromDs64 = size === SIZE_UNKNOWN && dataSize64 !== undefined;
      const streamed =
        (size === SIZE_UNKNOWN && !fromDs64) || (size === 0 && (riffSize === 0 || riffSize === SIZE_UNKNOWN));
      const declaredBytes = fromDs64 ? dataSize64! : size;
      yield* decodeDataChunk(reader, format, streamed ? undefined : declaredBytes, context);
      return;
    }

    const padded = size + (size & 1);
    if (id === 'fmt ' || id === 'ds64') {
      const body = await reader.read(padded);
      if (body.length < size) throw truncatedHeader(`${id.trim()} chunk`);
      if (id === 'fmt ') {
        format = parseFormatChunk(body.subarray(0, size), context);
        if (!format.encoding) {
          throw new AudioDecodeError(
            `WAV sample format 0x${format.formatTag.toString(16)} needs ffmpeg, not the built-in decoder`,
            { file },
          );
        }
        onFormat?.(format);
      } else if (size >= 16) {
        dataSize64 = Number(littleEndianView(body).getBigUint64(8, true));
      }
    } else if ((await reader.skip(padded)) < size) {
      throw truncatedHeader(`"${id}" chunk`);
    }
  }
}

async function* decodeDataChunk(
  reader: ByteStreamReader,
  format: WavFormat,
  declaredBytes: number | undefined,
  context: DecodeContext,
): AsyncGenerator<PcmBlock> {
  const samples = new InterleavedPcmDecoder(format.encoding!, format.channelCount);
  let received = 0;
  for await (const piece of reader.pieces(declaredBytes)) {
    received += piece.length;
    const channels = samples.decode(piece);
    if (channels[0]!.length > 0) yield { sampleRate: format.sampleRate, channels };
  }
  const nonFinite = samples.describeNonFinite();
  if (nonFinite) warnDecoding(context, nonFinite, { nonFiniteSamples: samples.nonFiniteSamples });
  if (declaredBytes !== undefined && received < declaredBytes) {
    throw new AudioDecodeError(
      `truncated: header declares ${formatCount(declaredBytes)} bytes of audio, file holds ${formatCount(received)}`,
      { file: context.name },
    );
  }
}
