import { describe, expect, it } from 'vitest';
import { denoise, loadDenoiser } from '../../src/audio/denoise.js';
import { prepareAudio } from '../../src/audio/prepare.js';
import { createResampler } from '../../src/audio/resampler.js';
import type { PreparedAudio } from '../../src/audio/types.js';
import { transcriptCacheKey } from '../../src/transcribe/transcribe-audio.js';
import { dataPath } from '../helpers/data.js';

const RATE = 16_000;

async function samplesOf(
  path: string,
  startSec = 0,
  endSec = Number.POSITIVE_INFINITY,
): Promise<Float32Array> {
  const audio = await prepareAudio({ source: path }, { vad: false, normalize: false });
  try {
    return await audio.pcm.read(0, Math.round(startSec * RATE), Math.min(audio.pcm.length, endSec * RATE));
  } finally {
    await audio.dispose();
  }
}

const power = (samples: Float32Array) =>
  samples.reduce((sum, value) => sum + value * value, 0) / samples.length;
const decibels = (ratio: number) => 10 * Math.log10(ratio);

/** Lag (output − input, in samples) that best aligns two signals, searched over ±maxLag. */
function bestLag(input: Float32Array, output: Float32Array, maxLag: number): number {
  let best = Number.NEGATIVE_INFINITY;
  let lag = 0;
  for (let candidate = -maxLag; candidate <= maxLag; candidate++) {
    let sum = 0;
    for (let i = maxLag; i < input.length - maxLag; i++) sum += input[i]! * output[i + candidate]!;
    if (sum > best) {
      best = sum;
      lag = candidate;
    }
  }
  return lag;
}

describe('denoise (RNNoise)', () => {
  // Real speech (jfk.wav) over real meeting-room noise (AMI trn02, a stretch with no speech annotated),
  // with one second of noise alone in front.
  async function noisySpeech() {
    const speech = await samplesOf(dataPath('asr', 'audio', 'jfk.wav'));
    const room = await samplesOf(dataPath('diarization', 'audio', 'ami-excerpt-trn02.wav'), 0, 20);
    const lead = RATE;
    const mixed = new Float32Array(lead + speech.length);
    const gain = Math.sqrt(power(speech) / power(room) / 10 ** (5 / 10)); // about 5 dB SNR
    for (let i = 0; i < mixed.length; i++) {
      mixed[i] = (i >= lead ? speech[i - lead]! : 0) + room[i % room.length]! * gain;
    }
    return { speech, mixed, lead };
  }

  it('keeps every sample at its time and the length exact, and lowers noise where nobody speaks', async () => {
    const { speech, mixed, lead } = await noisySpeech();
    const cleaned = await denoise(mixed);
    expect(cleaned.length).toBe(mixed.length);
    // Aligned with the speech it carries: transcript timestamps must not move.
    expect(bestLag(speech, cleaned.subarray(lead), 200)).toBe(0);
    // The noise-only second (after RNNoise's first frames) loses more than 10 dB …
    const noiseOnly = [Math.round(0.2 * RATE), lead];
    expect(
      decibels(power(mixed.subarray(...noiseOnly)) / power(cleaned.subarray(...noiseOnly))),
    ).toBeGreaterThan(10);
    // … while the speech keeps its level within 3 dB.
    expect(Math.abs(decibels(power(cleaned.subarray(lead)) / power(speech)))).toBeLessThan(3);
  });

  it('gives the same samples whatever the chunk sizes, after any resampler', async () => {
    const { mixed } = await noisySpeech();
    const whole = await denoise(mixed);
    const stream = (await loadDenoiser())(createResampler(RATE, RATE));
    const parts: Float32Array[] = [];
    for (let start = 0, size = 1; start < mixed.length; start += size, size = 1 + ((size * 7919) % 9000)) {
      parts.push(stream.process(mixed.subarray(start, start + size)));
    }
    parts.push(stream.flush());
    const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    expect(joined).toEqual(whole);
  });

  it('is an option of prepareAudio that shows in the prepared audio and in the transcript cache key', async () => {
    const source = dataPath('diarization', 'stereo', 'fw-stereo-diarization.wav');
    const plain = await prepareAudio({ source });
    const denoised = await prepareAudio({ source }, { denoise: true });
    try {
      expect(plain.denoise).toBeUndefined();
      expect(denoised.denoise).toBe('rnnoise');
      expect(denoised.durationSec).toBe(plain.durationSec);
      expect(denoised.channelCount).toBe(2);
      const model = {
        specificationVersion: 'v1' as const,
        provider: 'test',
        modelId: 'm',
        maxWindowSec: 30,
        transcribe: async () => ({ segments: [] }),
      };
      const key = (audio: PreparedAudio) => transcriptCacheKey(audio, { model });
      expect(key(denoised)).not.toBe(key(plain));
      const [before, after] = await Promise.all([
        plain.pcm.read(1, 0, RATE * 5),
        denoised.pcm.read(1, 0, RATE * 5),
      ]);
      expect(after).not.toEqual(before);
    } finally {
      await plain.dispose();
      await denoised.dispose();
    }
  });
});
