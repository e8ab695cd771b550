import { describe, expect, it } from 'vitest';
import { createResampler, resample } from '../../src/audio/resampler.js';
import { rms, toDb, tone, whiteNoise } from './signals.js';

/** Level of the output relative to the input tone, measured away from the start and end transients. */
function gainDb(frequency: number, inputRate: number): number {
  const input = tone(frequency, inputRate, 1, 0.5);
  const output = resample(input, inputRate);
  const edge = 2000;
  return toDb(rms(output, edge, output.length - edge) / rms(input));
}

function concatenate(parts: Float32Array[]): Float32Array {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

describe('resampling to 16 kHz', () => {
  const rates = [8000, 11_025, 22_050, 32_000, 44_100, 48_000, 96_000, 44_056];

  for (const rate of rates) {
    it(`${rate} Hz: a 1 kHz tone passes within 0.1 dB`, () => {
      expect(Math.abs(gainDb(1000, rate))).toBeLessThan(0.1);
    });
  }

  for (const rate of [44_100, 48_000, 96_000]) {
    it(`${rate} Hz: tones above 8 kHz are attenuated by at least 60 dB (no aliasing)`, () => {
      for (const frequency of [8000, 8200, 9000, 10_000, 12_000, 15_000, 20_000]) {
        if (frequency >= rate / 2) continue;
        expect(gainDb(frequency, rate), `${frequency} Hz`).toBeLessThan(-60);
      }
    });
  }

  it('the passband is flat to 7 kHz', () => {
    for (const frequency of [100, 3400, 6000, 7000]) {
      expect(Math.abs(gainDb(frequency, 48_000)), `${frequency} Hz`).toBeLessThan(0.1);
    }
  });

  it('upsampling 8 kHz telephone audio adds no images above 4 kHz', () => {
    // Doubling the rate mirrors a tone at f to 8000 − f unless the filter removes it.
    const amplitudeAt = (samples: Float32Array, frequency: number) => {
      let real = 0;
      let imaginary = 0;
      for (let index = 2000; index < samples.length - 2000; index++) {
        real += samples[index]! * Math.cos((2 * Math.PI * frequency * index) / 16_000);
        imaginary += samples[index]! * Math.sin((2 * Math.PI * frequency * index) / 16_000);
      }
      return Math.hypot(real, imaginary);
    };
    for (const frequency of [1000, 3000, 3500]) {
      const output = resample(tone(frequency, 8000, 1), 8000);
      const image = amplitudeAt(output, 8000 - frequency);
      expect(toDb(image / amplitudeAt(output, frequency)), `${frequency} Hz`).toBeLessThan(-60);
    }
  });

  it('output length is ceil(input × 16000 / rate) and 16 kHz passes through untouched', () => {
    expect(resample(new Float32Array(44_100), 44_100)).toHaveLength(16_000);
    expect(resample(new Float32Array(1), 44_100)).toHaveLength(1);
    expect(resample(new Float32Array(12_345), 8000)).toHaveLength(24_690);
    expect(resample(new Float32Array(0), 48_000)).toHaveLength(0);
    const same = whiteNoise(1000, 0.5);
    expect(resample(same, 16_000)).toEqual(same);
  });

  it('a centred kernel: no delay (the peak of an impulse stays where it was)', () => {
    const impulse = new Float32Array(48_000);
    impulse[24_000] = 1;
    const output = resample(impulse, 48_000);
    const peakIndex = output.reduce(
      (best, value, index) => (Math.abs(value) > Math.abs(output[best]!) ? index : best),
      0,
    );
    expect(peakIndex).toBe(8000);
  });

  for (const rate of [11_025, 44_100, 48_000, 8000]) {
    it(`${rate} Hz: streaming in odd chunk sizes gives exactly the one-shot result`, () => {
      const input = whiteNoise(rate * 2, 0.8, rate);
      const oneShot = resample(input, rate);
      const resampler = createResampler(rate);
      const sizes = [1, 7, 333, 4097, 2, 1, 9999, 64];
      const parts: Float32Array[] = [];
      for (let offset = 0, index = 0; offset < input.length; index++) {
        const size = sizes[index % sizes.length]!;
        parts.push(resampler.process(input.subarray(offset, offset + size)));
        offset += size;
      }
      parts.push(resampler.flush());
      const streamed = concatenate(parts);
      expect(streamed.length).toBe(oneShot.length);
      expect(streamed).toEqual(oneShot);
    });
  }
});
