import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import type { PreparedAudio } from '../../src/audio/types.js';
import { dataPath } from '../helpers/data.js';
import {
  compareAligned,
  encodeWav,
  ffmpegDecode,
  ffmpegTranscode,
  readChannel,
  type TestEncoding,
  tone,
} from './signals.js';

const scratch = mkdtempSync(join(tmpdir(), 'echolens-wav-variants-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const plain = { vad: false, normalize: false } as const;

async function decodeBytes(
  bytes: Uint8Array,
  name = 'variant.wav',
  rawFormat?: Parameters<typeof prepareAudio>[0]['rawFormat'],
) {
  return prepareAudio({ source: bytes, name, rawFormat }, plain);
}

async function channels(audio: PreparedAudio): Promise<Float32Array[]> {
  const result: Float32Array[] = [];
  for (let channel = 0; channel < audio.channelCount; channel++)
    result.push(await readChannel(audio.pcm, channel));
  await audio.dispose();
  return result;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let maximum = 0;
  for (let index = 0; index < a.length; index++) maximum = Math.max(maximum, Math.abs(a[index]! - b[index]!));
  return maximum;
}

/** A speech-band test signal: three tones, well inside every rate's passband. */
function testSignal(sampleRate: number, seconds: number): Float32Array {
  const parts = [
    tone(300, sampleRate, seconds, 0.3),
    tone(1000, sampleRate, seconds, 0.25),
    tone(2500, sampleRate, seconds, 0.2),
  ];
  return parts[0]!.map((value, index) => value + parts[1]![index]! + parts[2]![index]!);
}

describe('WAV sample formats decode to the signal they hold', () => {
  const signal = testSignal(16_000, 1);
  // Largest error each encoding's quantisation allows (half a step), plus float rounding.
  const tolerance: Record<TestEncoding, number> = {
    u8: 1 / 256 + 1e-6,
    s16: 1 / 65536 + 1e-7,
    s24: 1 / 2 ** 24 + 1e-7,
    s32: 1e-7,
    f32: 0,
    f64: 1e-7,
  };
  for (const encoding of Object.keys(tolerance) as TestEncoding[]) {
    for (const extensible of [false, true]) {
      it(`${encoding}${extensible ? ' (WAVE_FORMAT_EXTENSIBLE)' : ''}`, async () => {
        const audio = await decodeBytes(encodeWav([signal], 16_000, encoding, { extensible }));
        expect(audio.source.format).toBe('wav');
        expect(audio.source.codec).toMatch(encoding === 'u8' ? /pcm_u8/ : /^pcm_/);
        const [decoded] = await channels(audio);
        expect(maxDifference(decoded!, signal)).toBeLessThanOrEqual(tolerance[encoding]);
      });
    }
  }

  it('RF64 with a ds64 chunk, chunks before and after the data (odd-sized, padded)', async () => {
    const bytes = encodeWav([signal], 16_000, 's16', {
      rf64: true,
      chunkBeforeData: true,
      chunkAfterData: true,
    });
    const [decoded] = await channels(await decodeBytes(bytes));
    expect(maxDifference(decoded!, signal)).toBeLessThanOrEqual(tolerance.s16);
  });

  it('G.711 µ-law and A-law match ffmpeg’s expansion exactly', async () => {
    for (const codec of ['pcm_mulaw', 'pcm_alaw']) {
      const path = join(scratch, `jfk-${codec}.wav`);
      ffmpegTranscode(dataPath('asr', 'audio', 'jfk.wav'), path, ['-c:a', codec]);
      const audio = await prepareAudio({ source: path }, plain);
      expect(audio.source.codec).toBe(codec === 'pcm_mulaw' ? 'mulaw' : 'alaw');
      const [decoded] = await channels(audio);
      const reference = ffmpegDecode(path)[0]!;
      expect(maxDifference(decoded!, reference)).toBeLessThan(1e-6);
    }
  });
});

describe('sample rates and channels', () => {
  for (const sampleRate of [8000, 11_025, 22_050, 32_000, 44_100, 48_000, 96_000, 37_800]) {
    it(`${sampleRate} Hz resamples to the same 16 kHz signal`, async () => {
      const seconds = 2;
      const audio = await decodeBytes(encodeWav([testSignal(sampleRate, seconds)], sampleRate, 'f32'));
      expect(audio.source.sampleRate).toBe(sampleRate);
      expect(audio.pcm.length).toBe(16_000 * seconds);
      const [decoded] = await channels(audio);
      const expected = testSignal(16_000, seconds);
      // Away from the edges (where the filter sees the implicit silence), the error is tiny.
      const edge = 1600;
      const comparison = compareAligned(expected.subarray(edge, -edge), decoded!.subarray(edge, -edge), 8);
      expect(comparison.lag).toBe(0);
      expect(comparison.snrDb).toBeGreaterThan(60);
    });
  }

  it('stereo stays two channels and keeps them apart', async () => {
    const left = tone(440, 44_100, 1, 0.5);
    const right = tone(1000, 44_100, 1, 0.25);
    const audio = await decodeBytes(encodeWav([left, right], 44_100, 's24'));
    expect(audio.channelCount).toBe(2);
    expect(audio.source.channelCount).toBe(2);
    const [decodedLeft, decodedRight] = await channels(audio);
    const edge = 800;
    const leftError = compareAligned(
      tone(440, 16_000, 1, 0.5).subarray(edge, -edge),
      decodedLeft!.subarray(edge, -edge),
      4,
    );
    const rightError = compareAligned(
      tone(1000, 16_000, 1, 0.25).subarray(edge, -edge),
      decodedRight!.subarray(edge, -edge),
      4,
    );
    expect(leftError.snrDb).toBeGreaterThan(60);
    expect(rightError.snrDb).toBeGreaterThan(60);
  });

  it('more than two channels (extensible, 3 channels) stay separate', async () => {
    const inputs = [tone(300, 16_000, 0.5, 0.5), new Float32Array(8000), tone(900, 16_000, 0.5, 0.1)];
    const decoded = await channels(await decodeBytes(encodeWav(inputs, 16_000, 's16', { extensible: true })));
    expect(decoded).toHaveLength(3);
    decoded.forEach((samples, channel) => {
      expect(maxDifference(samples, inputs[channel]!)).toBeLessThanOrEqual(1 / 65536 + 1e-7);
    });
  });
});

describe('headerless raw PCM with rawFormat', () => {
  it('goforward.raw (16 kHz s16le per the data notes) equals its WAV', async () => {
    const audio = await prepareAudio(
      {
        source: dataPath('asr', 'original', 'goforward.raw'),
        rawFormat: { sampleRate: 16_000, encoding: 'pcm_s16le' },
      },
      plain,
    );
    expect(audio.source.format).toBe('raw');
    const [decoded] = await channels(audio);
    const reference = ffmpegDecode(dataPath('asr', 'audio', 'goforward.wav'))[0]!;
    expect(maxDifference(decoded!, reference)).toBeLessThan(1e-6);
  });

  it('big-endian, unsigned 8-bit and float stereo raw layouts', async () => {
    const left = tone(500, 8000, 0.5, 0.5);
    const right = tone(1500, 8000, 0.5, 0.3);
    const frames = left.length;
    const s16be = Buffer.alloc(frames * 2);
    const f32stereo = Buffer.alloc(frames * 8);
    for (let frame = 0; frame < frames; frame++) {
      s16be.writeInt16BE(Math.round(left[frame]! * 32767), frame * 2);
      f32stereo.writeFloatLE(left[frame]!, frame * 8);
      f32stereo.writeFloatLE(right[frame]!, frame * 8 + 4);
    }
    const fromBigEndian = await channels(
      await decodeBytes(s16be, 'call.pcm', { sampleRate: 8000, encoding: 'pcm_s16be' }),
    );
    const fromFloat = await channels(
      await decodeBytes(f32stereo, 'call.pcm', { sampleRate: 8000, encoding: 'pcm_f32le', channels: 2 }),
    );
    expect(fromFloat).toHaveLength(2);
    const reference = tone(500, 16_000, 0.5, 0.5);
    const edge = 800;
    for (const decoded of [fromBigEndian[0]!, fromFloat[0]!]) {
      expect(
        compareAligned(reference.subarray(edge, -edge), decoded.subarray(edge, -edge), 4).snrDb,
      ).toBeGreaterThan(60);
    }
    const rightReference = tone(1500, 16_000, 0.5, 0.3);
    expect(
      compareAligned(rightReference.subarray(edge, -edge), fromFloat[1]!.subarray(edge, -edge), 4).snrDb,
    ).toBeGreaterThan(60);
  });

  it('a WAV keeps its own header even when rawFormat is given', async () => {
    const bytes = encodeWav([tone(440, 22_050, 0.5)], 22_050, 's16');
    const audio = await decodeBytes(bytes, 'x.wav', { sampleRate: 8000, encoding: 'mulaw' });
    expect(audio.source.format).toBe('wav');
    expect(audio.source.sampleRate).toBe(22_050);
    await audio.dispose();
  });
});

describe('streaming does not change the result', () => {
  it('a WAV fed in odd-sized pieces equals the same file read in one go', async () => {
    const path = dataPath('asr', 'original', 'jfk.flac');
    const wavPath = join(scratch, 'jfk-44k-stereo.wav');
    ffmpegTranscode(path, wavPath, ['-c:a', 'pcm_s24le']);
    const bytes = readFileSync(wavPath);
    const whole = await channels(await prepareAudio({ source: wavPath }, plain));
    const sizes = [1, 3, 7, 4093, 2, 65_537, 5];
    const pieces: Buffer[] = [];
    for (let offset = 0, index = 0; offset < bytes.length; index++) {
      const size = sizes[index % sizes.length]!;
      pieces.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    const streamed = await prepareAudio({ source: Readable.from(pieces), name: 'pieces.wav' }, plain);
    expect(streamed.source.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const streamedChannels = await channels(streamed);
    expect(streamedChannels).toHaveLength(2);
    for (let channel = 0; channel < 2; channel++) {
      expect(maxDifference(streamedChannels[channel]!, whole[channel]!)).toBe(0);
    }
    // And the signal is still the recording (the 44.1 kHz 24-bit original vs its 16 kHz reference).
    const reference = ffmpegDecode(dataPath('asr', 'audio', 'jfk.wav'))[0]!;
    expect(compareAligned(reference, whole[0]!).correlation).toBeGreaterThan(0.9999);
  });
});
