/** MPEG-1/2/2.5 audio frame headers (MP1/MP2/MP3), enough to recognise a stream and its channel mode. */
export interface MpegFrameHeader {
  layer: 1 | 2 | 3;
  sampleRate: number;
  channelCount: 1 | 2;
  frameLength: number;
}

// Bit rates in kbit/s by [MPEG-1 ? 0 : 1][layer - 1][index]; index 0 (free format) and 15 are invalid.
const BIT_RATES = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
// Sample rates by version bits (0 = MPEG-2.5, 2 = MPEG-2, 3 = MPEG-1) and index.
const SAMPLE_RATES: Record<number, number[]> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const [first, second, third, fourth] = [
    bytes[offset]!,
    bytes[offset + 1]!,
    bytes[offset + 2]!,
    bytes[offset + 3]!,
  ];
  if (first !== 0xff || (second & 0xe0) !== 0xe0) return undefined;
  const versionBits = (second >> 3) & 0x03;
  const layerBits = (second >> 1) & 0x03;
  const bitRateIndex = third >> 4;
  const sampleRateIndex = (third >> 2) & 0x03;
  if (
    versionBits === 1 ||
    layerBits === 0 ||
    bitRateIndex === 0 ||
    bitRateIndex === 15 ||
    sampleRateIndex === 3
  ) {
    return undefined;
  }
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const isMpeg1 = versionBits === 3;
  const bitRate = BIT_RATES[isMpeg1 ? 0 : 1]![layer - 1]![bitRateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[versionBits]![sampleRateIndex]!;
  const padding = (third >> 1) & 0x01;
  let frameLength: number;
  if (layer === 1) frameLength = (Math.floor((12 * bitRate) / sampleRate) + padding) * 4;
  else if (layer === 3 && !isMpeg1) frameLength = Math.floor((72 * bitRate) / sampleRate) + padding;
  else frameLength = Math.floor((144 * bitRate) / sampleRate) + padding;
  const channelCount = fourth >> 6 === 3 ? 1 : 2;
  return { layer, sampleRate, channelCount, frameLength };
}

/**
 * The first frame header in `bytes[start, start + searchLength)` that is followed by a matching second
 * header (or by the end of a complete file): one sync word alone is too likely to occur by chance.
 */
export function findMpegFrame(
  bytes: Uint8Array,
  start: number,
  searchLength: number,
  isCompleteFile: boolean,
): MpegFrameHeader | undefined {
  const end = Math.min(bytes.length - 4, start + searchLength);
  for (let offset = start; offset <= end; offset++) {
    if (bytes[offset] !== 0xff) continue;
    const header = parseMpegFrameHeader(bytes, offset);
    if (!header) continue;
    const nextOffset = offset + header.frameLength;
    if (nextOffset + 4 > bytes.length) {
      if (isCompleteFile && nextOffset <= bytes.length) return header;
      continue;
    }
    const next = parseMpegFrameHeader(bytes, nextOffset);
    if (next && next.layer === header.layer && next.sampleRate === header.sampleRate) return header;
  }
  return undefined;
}

/**
 * Follows the chain of MPEG frames through a byte stream (each header says where the next begins) and
 * counts where it breaks: mpg123 resynchronises past damaged headers without reporting an error, so
 * this is how skipped audio becomes visible. Leading tags and junk before the first frame, and trailing
 * tags after the last (ID3v1, APE), are not damage: only a loss of sync followed by frames again is.
 */
export class MpegFrameChain {
  /** Times the chain broke and picked up again later. */
  breaks = 0;
  /** Bytes passed over between a break and the next frame. */
  skippedBytes = 0;
  frames = 0;
  private buffer = new Uint8Array(0);
  private inSync = false;
  private pendingSkip = 0;
  private leadingChecked = false;
  /** What is left of a leading ID3 tag that runs on into later chunks. */
  private tagBytesLeft = 0;

  push(chunk: Uint8Array): void {
    const skipped = Math.min(this.tagBytesLeft, chunk.length);
    this.tagBytesLeft -= skipped;
    const joined = new Uint8Array(this.buffer.length + chunk.length - skipped);
    joined.set(this.buffer);
    joined.set(chunk.subarray(skipped), this.buffer.length);
    let offset = 0;
    if (!this.leadingChecked && joined.length >= 10) {
      this.leadingChecked = true;
      const tag = leadingId3Length(joined);
      offset = Math.min(tag, joined.length);
      this.tagBytesLeft = tag - offset;
    }
    while (offset + 4 <= joined.length) {
      const header = parseMpegFrameHeader(joined, offset);
      if (header && (this.inSync || this.confirms(joined, offset, header))) {
        if (offset + header.frameLength > joined.length) break; // the frame ends in a later chunk
        if (this.pendingSkip > 0) {
          this.breaks++;
          this.skippedBytes += this.pendingSkip;
          this.pendingSkip = 0;
        }
        this.inSync = true;
        this.frames++;
        offset += header.frameLength;
        continue;
      }
      // Lost (or not yet found) the chain: step one byte; only bytes after the first frame count.
      if (this.frames > 0) {
        this.inSync = false;
        this.pendingSkip++;
      }
      offset++;
    }
    this.buffer = joined.slice(offset);
  }

  /** Outside the chain, a header counts only when the next frame's header follows where it says. */
  private confirms(bytes: Uint8Array, offset: number, header: MpegFrameHeader): boolean {
    const next = parseMpegFrameHeader(bytes, offset + header.frameLength);
    if (next) return next.layer === header.layer && next.sampleRate === header.sampleRate;
    return offset + header.frameLength + 4 > bytes.length; // cannot tell yet: accept at the stream's edge
  }
}

function leadingId3Length(bytes: Uint8Array): number {
  if (bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0; // "ID3"
  const size =
    ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  return 10 + size + ((bytes[5]! & 0x10) !== 0 ? 10 : 0);
}
