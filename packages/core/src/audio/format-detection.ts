import { UnsupportedFormatError } from '@echolens/provider';
import type { AudioFormat } from '../schema/prepared-audio.js';
import type { CompressedCodec } from './decoders/compressed.js';
import { findMpegFrame } from './decoders/mpeg-frame.js';
import type { ValidRawAudioFormat } from './decoders/raw-pcm.js';
import { declaredWavDataBytes, findWavFormat, wavCodecName } from './decoders/wav.js';

/** How the bytes will be decoded. */
export type DecoderRoute =
  | { kind: 'wav' }
  | { kind: 'compressed'; codec: CompressedCodec; channelCount?: number; declaredSamples?: number }
  | { kind: 'raw'; rawFormat: ValidRawAudioFormat }
  /** `probe`: nothing we recognise, so ffmpeg decides whether it is audio at all. */
  | { kind: 'ffmpeg'; probe: boolean };

export interface DetectedFormat {
  format: AudioFormat;
  codec?: string;
  sampleRate?: number;
  channelCount?: number;
  /** Human-readable, for logs and messages, e.g. "Ogg Opus" or "MP4/M4A (brand M4A)". */
  description: string;
  route: DecoderRoute;
  /** The duration the header promises (WAV data size, FLAC STREAMINFO), checked before decoding starts. */
  declaredDurationSec?: number;
}

/** The head was too short to decide (e.g. a large ID3 tag): read at least this many bytes and ask again. */
export interface NeedMoreBytes {
  needBytes: number;
}

export interface DetectionContext {
  name: string;
  /** True when `head` is the whole input. */
  complete: boolean;
  rawFormat?: ValidRawAudioFormat;
}

/** Bytes read before deciding; enough for every header we parse except unusually large ID3 tags. */
export const DETECTION_HEAD_BYTES = 64 * 1024;
/** ID3 tags (cover art) can be big, but reading further than this to find the first frame is not worth it. */
const MAX_HEAD_BYTES = 16 * 1024 * 1024;

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function startsWith(bytes: Uint8Array, signature: number[], offset = 0): boolean {
  return signature.every((value, index) => bytes[offset + index] === value);
}

/** Formats that are certainly not audio, so a clear message beats handing them to ffmpeg. */
const NOT_AUDIO: { signature: number[] | string; what: string; format: string }[] = [
  { signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image', format: 'png' },
  { signature: [0xff, 0xd8, 0xff], what: 'a JPEG image', format: 'jpeg' },
  { signature: 'GIF8', what: 'a GIF image', format: 'gif' },
  { signature: '%PDF', what: 'a PDF document', format: 'pdf' },
  { signature: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an Office document)', format: 'zip' },
  { signature: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive', format: 'zip' },
  { signature: [0x1f, 0x8b], what: 'a gzip archive', format: 'gzip' },
  { signature: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive', format: '7z' },
  { signature: 'Rar!', what: 'a RAR archive', format: 'rar' },
  { signature: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable', format: 'elf' },
  { signature: 'SQLite format 3', what: 'an SQLite database', format: 'sqlite' },
  { signature: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image', format: 'tiff' },
  { signature: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image', format: 'tiff' },
  { signature: 'MThd', what: 'a MIDI file (notes, not recorded sound)', format: 'midi' },
];

function matchesSignature(head: Uint8Array, signature: number[] | string): boolean {
  const bytes =
    typeof signature === 'string' ? [...signature].map((character) => character.charCodeAt(0)) : signature;
  return startsWith(head, bytes);
}

/** Decodes as strict UTF-8 (or UTF-16 with a byte-order mark) with almost no control characters. */
function describeText(head: Uint8Array, complete: boolean): string | undefined {
  const encoding = startsWith(head, [0xff, 0xfe])
    ? 'utf-16le'
    : startsWith(head, [0xfe, 0xff])
      ? 'utf-16be'
      : 'utf-8';
  // A multi-byte character may be cut at the end of the head.
  const bytes = complete ? head : head.subarray(0, Math.max(0, head.length - 4));
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(
      encoding === 'utf-8' ? bytes : bytes.subarray(0, bytes.length & ~1),
    );
  } catch {
    return undefined;
  }
  if (text.length === 0) return undefined;
  let control = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f) {
      control++;
    }
  }
  if (control > text.length * 0.01) return undefined;
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const kind = /^[{[]/.test(trimmed)
    ? 'JSON text'
    : /^<(!doctype html|html)/i.test(trimmed)
      ? 'HTML text'
      : trimmed.startsWith('<')
        ? 'XML text'
        : 'text';
  const preview = trimmed.slice(0, 40).replace(/\s+/g, ' ');
  return `${kind} (starts with "${preview}${trimmed.length > 40 ? '…' : ''}")`;
}

function id3TagLength(head: Uint8Array, offset: number): number | undefined {
  if (ascii(head, offset, 3) !== 'ID3' || offset + 10 > head.length) return undefined;
  const size =
    ((head[offset + 6]! & 0x7f) << 21) |
    ((head[offset + 7]! & 0x7f) << 14) |
    ((head[offset + 8]! & 0x7f) << 7) |
    (head[offset + 9]! & 0x7f);
  const hasFooter = (head[offset + 5]! & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}

function isAdtsHeader(head: Uint8Array, offset: number): boolean {
  return head[offset] === 0xff && ((head[offset + 1] ?? 0) & 0xf6) === 0xf0;
}

function detectFlac(head: Uint8Array, offset: number): DetectedFormat {
  const detected: DetectedFormat = {
    format: 'flac',
    codec: 'flac',
    description: 'FLAC',
    route: { kind: 'compressed', codec: 'flac' },
  };
  // STREAMINFO is always the first metadata block: sample rate, channels and total samples.
  const info = offset + 8;
  if ((head[offset + 4]! & 0x7f) === 0 && info + 18 <= head.length) {
    const at = (index: number) => head[info + index]!;
    const sampleRate = (at(10) << 12) | (at(11) << 4) | (at(12) >> 4);
    detected.sampleRate = sampleRate;
    detected.channelCount = ((at(12) >> 1) & 0x07) + 1;
    const totalSamples =
      (at(13) & 0x0f) * 2 ** 32 + ((at(14) << 24) >>> 0) + (at(15) << 16) + (at(16) << 8) + at(17);
    if (totalSamples > 0) {
      detected.route = { kind: 'compressed', codec: 'flac', declaredSamples: totalSamples };
      if (sampleRate > 0) detected.declaredDurationSec = totalSamples / sampleRate;
    }
  }
  return detected;
}

function detectOgg(head: Uint8Array): DetectedFormat {
  const segments = head[26] ?? 0;
  const packet = 27 + segments;
  if (ascii(head, packet, 8) === 'OpusHead') {
    return {
      format: 'ogg',
      codec: 'opus',
      sampleRate: 48_000,
      channelCount: head[packet + 9],
      description: 'Ogg Opus',
      route: { kind: 'compressed', codec: 'opus' },
    };
  }
  if (head[packet] === 0x01 && ascii(head, packet + 1, 6) === 'vorbis') {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    return {
      format: 'ogg',
      codec: 'vorbis',
      channelCount: head[packet + 11],
      sampleRate: packet + 16 <= head.length ? view.getUint32(packet + 12, true) : undefined,
      description: 'Ogg Vorbis',
      route: { kind: 'compressed', codec: 'vorbis' },
    };
  }
  const inner = head[packet] === 0x7f && ascii(head, packet + 1, 4) === 'FLAC' ? 'flac' : undefined;
  const speex = ascii(head, packet, 8) === 'Speex   ' ? 'speex' : undefined;
  const codec = inner ?? speex;
  return {
    format: 'ogg',
    codec,
    description: `Ogg${codec ? ` ${codec}` : ''}`,
    route: { kind: 'ffmpeg', probe: false },
  };
}

function detectWav(head: Uint8Array, context: DetectionContext): DetectedFormat {
  const wav = findWavFormat(head, context);
  if (!wav) {
    // fmt not within the head (unusual): the streaming reader finds it or says what is wrong.
    return { format: 'wav', description: 'RIFF WAVE', route: { kind: 'wav' } };
  }
  const codec = wavCodecName(wav);
  const dataBytes = declaredWavDataBytes(head);
  return {
    format: 'wav',
    codec,
    sampleRate: wav.sampleRate,
    channelCount: wav.channelCount,
    description: `RIFF WAVE (${codec})`,
    route: wav.encoding ? { kind: 'wav' } : { kind: 'ffmpeg', probe: false },
    // Exact for PCM; for compressed WAV (ADPCM, GSM) the block size is per block, not per sample.
    ...(dataBytes !== undefined && wav.encoding
      ? { declaredDurationSec: dataBytes / (wav.sampleRate * wav.blockAlign) }
      : {}),
  };
}

/** MPEG audio (possibly after ID3 tags or leading junk), or FLAC / ADTS AAC hiding behind ID3 tags. */
function detectMpegFamily(
  head: Uint8Array,
  context: DetectionContext,
): DetectedFormat | NeedMoreBytes | undefined {
  let offset = 0;
  for (let tagLength = id3TagLength(head, offset); tagLength; tagLength = id3TagLength(head, offset)) {
    offset += tagLength;
  }
  if (offset + 4096 > head.length && !context.complete && offset + 4096 <= MAX_HEAD_BYTES) {
    return { needBytes: offset + 4096 };
  }
  const hadId3 = offset > 0;
  if (ascii(head, offset, 4) === 'fLaC') return detectFlac(head, offset);
  if (isAdtsHeader(head, offset)) {
    return { format: 'aac', codec: 'aac', description: 'ADTS AAC', route: { kind: 'ffmpeg', probe: false } };
  }
  const frame = findMpegFrame(head, offset, hadId3 ? 64 * 1024 : 8 * 1024, context.complete);
  if (frame) {
    const codec = `mp${frame.layer}`;
    return {
      format: 'mp3',
      codec,
      sampleRate: frame.sampleRate,
      channelCount: frame.channelCount,
      description: `MPEG audio layer ${frame.layer}`,
      route: { kind: 'compressed', codec: 'mp3', channelCount: frame.channelCount },
    };
  }
  if (hadId3) {
    // An ID3 tag with no frame in reach (huge tag): MP3 is by far the likeliest; mpg123 will tell.
    return {
      format: 'mp3',
      codec: 'mp3',
      description: 'MP3 (after ID3)',
      route: { kind: 'compressed', codec: 'mp3' },
    };
  }
  return undefined;
}

/**
 * Decides what the bytes are from their content alone (never the file name): container magic
 * numbers first, then known non-audio formats and text, then headerless PCM when the caller described
 * it, then frame-sync scanning (MP3, ADTS), and finally "let ffmpeg probe it".
 */
export function detectAudioFormat(
  head: Uint8Array,
  context: DetectionContext,
): DetectedFormat | NeedMoreBytes {
  const file = context.name;
  const riff = ascii(head, 0, 4);
  if (['RIFF', 'RF64', 'BW64'].includes(riff) && ascii(head, 8, 4) === 'WAVE')
    return detectWav(head, context);
  if (riff === 'RIFF' && ascii(head, 8, 4) === 'WEBP') {
    throw new UnsupportedFormatError('looks like a WebP image, not audio', { file, detectedFormat: 'webp' });
  }
  if (riff === 'OggS') return detectOgg(head);
  if (riff === 'fLaC') return detectFlac(head, 0);
  if (ascii(head, 4, 4) === 'ftyp') {
    const brand = ascii(head, 8, 4).trim();
    return {
      format: 'mp4',
      description: `MP4/M4A (brand ${brand})`,
      route: { kind: 'ffmpeg', probe: false },
    };
  }
  if (['moov', 'mdat', 'wide', 'free'].includes(ascii(head, 4, 4))) {
    return { format: 'mp4', description: 'QuickTime/MP4', route: { kind: 'ffmpeg', probe: false } };
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    const isWebm = ascii(head, 0, Math.min(head.length, 64)).includes('webm');
    return {
      format: 'webm',
      description: isWebm ? 'WebM' : 'Matroska',
      route: { kind: 'ffmpeg', probe: false },
    };
  }
  if (riff.startsWith('ID3')) {
    const tagged = detectMpegFamily(head, context);
    if (tagged) return tagged;
  }
  const otherContainers: [string, string][] = [
    ['FORM', 'AIFF'],
    ['.snd', 'Sun AU'],
    ['#!AM', 'AMR'],
    ['caff', 'Core Audio (CAF)'],
    ['wvpk', 'WavPack'],
    ['MAC ', "Monkey's Audio"],
  ];
  const container = otherContainers.find(([magic]) => riff === magic);
  if (container)
    return { format: 'other', description: container[1], route: { kind: 'ffmpeg', probe: false } };
  if (startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) {
    return { format: 'other', description: 'ASF/WMA', route: { kind: 'ffmpeg', probe: false } };
  }

  for (const candidate of NOT_AUDIO) {
    if (matchesSignature(head, candidate.signature)) {
      throw new UnsupportedFormatError(`looks like ${candidate.what}, not audio`, {
        file,
        detectedFormat: candidate.format,
      });
    }
  }
  const text = describeText(head, context.complete);
  if (text) {
    throw new UnsupportedFormatError(`looks like ${text}, not audio`, { file, detectedFormat: 'text' });
  }
  if (context.rawFormat) {
    const { encoding, sampleRate, channels } = context.rawFormat;
    return {
      format: 'raw',
      codec: encoding,
      sampleRate,
      channelCount: channels,
      description: `headerless ${encoding}`,
      route: { kind: 'raw', rawFormat: context.rawFormat },
    };
  }
  const framed = detectMpegFamily(head, context);
  if (framed) return framed;
  if (riff === 'RIFF') {
    return {
      format: 'other',
      description: `RIFF ${ascii(head, 8, 4)}`,
      route: { kind: 'ffmpeg', probe: false },
    };
  }
  return { format: 'other', description: 'unrecognised bytes', route: { kind: 'ffmpeg', probe: true } };
}
