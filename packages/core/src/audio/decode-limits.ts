import { AUDIO_LIMITS, AudioDecodeError, InvalidInputError } from '@echolens/provider';
import type { PcmBlock } from './decoders/types.js';

/**
 * Bounds on how much audio a recording may decode to, so a small hostile file cannot make EchoLens spend
 * hours of CPU and gigabytes of temporary files (a "decompression bomb"). Two rules, both checked while
 * decoding, block by block, before the samples are stored:
 * - never more than `maxDurationSec` of audio (the user's limit, default four hours);
 * - never more seconds than the bytes read so far can hold for the codec: each codec has a floor on the
 *   bytes one second of audio needs, and a stream decoding to more is corrupt or crafted.
 */

/** Default `maxDurationSec`: no support call runs four hours; raise it for longer recordings. */
export const DEFAULT_MAX_DURATION_SEC = 4 * 3600;

/**
 * The fewest bytes one second of audio can take, by codec (all channels together). PCM is exact
 * (rate × block size, at least 2,000 B/s at the lowest allowed rate) and needs no floor here. MPEG audio's
 * lowest bit rate is 8 kbit/s, so 1,000 B/s. Opus, Vorbis, FLAC and whatever ffmpeg decodes can encode
 * digital silence in a few bytes per frame; 100 B/s (0.8 kbit/s) is far below any real recording's noise
 * floor (speech codecs at their lowest run at 6 kbit/s) yet caps a crafted stream's expansion.
 */
const MIN_BYTES_PER_SECOND: Record<string, number> = { mp3: 1000 };
const DEFAULT_MIN_BYTES_PER_SECOND = 100;
/** Decoders read ahead and containers start with headers: the byte rule applies past this much audio. */
const GRACE_SECONDS = 30;

const hours = (seconds: number) =>
  seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds)} s`;

/** Refuses a declared sample rate or channel count no real recording has. */
export function checkDeclaredFormat(
  what: string,
  sampleRate: number,
  channelCount: number,
  file: string,
): void {
  const { minSampleRate, maxSampleRate, maxChannels } = AUDIO_LIMITS;
  if (!(sampleRate >= minSampleRate && sampleRate <= maxSampleRate)) {
    throw new AudioDecodeError(
      `the ${what} declares ${sampleRate.toLocaleString('en-US')} Hz; recordings are ${minSampleRate.toLocaleString('en-US')}–${maxSampleRate.toLocaleString('en-US')} Hz (a corrupt or crafted header)`,
      { file },
    );
  }
  if (!(channelCount >= 1 && channelCount <= maxChannels)) {
    throw new AudioDecodeError(
      `the ${what} declares ${channelCount} channels; at most ${maxChannels} are accepted (a corrupt or crafted header)`,
      { file },
    );
  }
}

export class DecodeBudget {
  private readonly minBytesPerSecond: number;

  constructor(private readonly options: { name: string; codec: string | undefined; maxDurationSec: number }) {
    this.minBytesPerSecond =
      (options.codec && MIN_BYTES_PER_SECOND[options.codec]) || DEFAULT_MIN_BYTES_PER_SECOND;
  }

  /** Refuses, before anything is decoded, a header that promises more audio than the limit. */
  checkDeclared(declaredSeconds: number | undefined): void {
    if (declaredSeconds !== undefined && declaredSeconds > this.options.maxDurationSec) {
      throw this.tooLong(`its header declares ${hours(declaredSeconds)}`);
    }
  }

  /**
   * The decoder's blocks, each checked before it is passed on (resampled, stored): a plausible rate and
   * channel count, and the duration so far against both rules. `bytesRead` is what the source has read.
   */
  async *guard(
    blocks: AsyncIterable<PcmBlock>,
    bytesRead: () => number,
    isPcm: boolean,
  ): AsyncGenerator<PcmBlock> {
    let decodedSeconds = 0;
    for await (const block of blocks) {
      if (decodedSeconds === 0) {
        checkDeclaredFormat('decoded stream', block.sampleRate, block.channels.length, this.options.name);
      }
      decodedSeconds += (block.channels[0]?.length ?? 0) / block.sampleRate;
      this.check(decodedSeconds, bytesRead(), isPcm);
      yield block;
    }
  }

  private check(decodedSeconds: number, bytesRead: number, isPcm: boolean): void {
    if (decodedSeconds > this.options.maxDurationSec) throw this.tooLong('it decodes to more');
    if (isPcm || decodedSeconds <= GRACE_SECONDS) return;
    const holdable = bytesRead / this.minBytesPerSecond + GRACE_SECONDS;
    if (decodedSeconds > holdable) {
      throw new AudioDecodeError(
        `${bytesRead.toLocaleString('en-US')} bytes of ${this.options.codec ?? 'compressed'} audio decode to over ${hours(decodedSeconds)}, more than the codec can hold at ${this.minBytesPerSecond} bytes per second (a corrupt or crafted stream)`,
        { file: this.options.name },
      );
    }
  }

  private tooLong(why: string): InvalidInputError {
    return new InvalidInputError(
      `the recording is longer than the ${hours(this.options.maxDurationSec)} limit (${why}); raise \`maxDurationSec\` in the audio options to accept it`,
      { file: this.options.name },
    );
  }
}
