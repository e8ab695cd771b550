import type { PcmReader } from '../audio/types.js';
import { forEachFrame } from './frames.js';

const SAMPLE_RATE = 16_000;
const WINDOW_SAMPLES = 400; // 25 ms analysis window, the usual for speech features
const FFT_SIZE = 512;
const MEL_BANDS = 40;
const CEPSTRA = 20;

/** In-place radix-2 complex FFT on `real`/`imaginary` of length `size` (a power of two). */
export function createFft(size: number) {
  const levels = Math.log2(size);
  const reversed = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let value = i;
    let result = 0;
    for (let bit = 0; bit < levels; bit++) {
      result = (result << 1) | (value & 1);
      value >>= 1;
    }
    reversed[i] = result;
  }
  const cosines = new Float64Array(size / 2);
  const sines = new Float64Array(size / 2);
  for (let i = 0; i < size / 2; i++) {
    cosines[i] = Math.cos((2 * Math.PI * i) / size);
    sines[i] = -Math.sin((2 * Math.PI * i) / size);
  }
  return (real: Float64Array, imaginary: Float64Array) => {
    for (let i = 0; i < size; i++) {
      const j = reversed[i]!;
      if (j > i) {
        [real[i], real[j]] = [real[j]!, real[i]!];
        [imaginary[i], imaginary[j]] = [imaginary[j]!, imaginary[i]!];
      }
    }
    for (let half = 1; half < size; half *= 2) {
      const step = size / (2 * half);
      for (let start = 0; start < size; start += 2 * half) {
        for (let k = 0; k < half; k++) {
          const cos = cosines[k * step]!;
          const sin = sines[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = real[b]! * cos - imaginary[b]! * sin;
          const ti = real[b]! * sin + imaginary[b]! * cos;
          real[b] = real[a]! - tr;
          imaginary[b] = imaginary[a]! - ti;
          real[a]! += tr;
          imaginary[a]! += ti;
        }
      }
    }
  };
}

const hertzToMel = (hertz: number) => 2595 * Math.log10(1 + hertz / 700);
const melToHertz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** Triangular mel filters over the FFT bins, as sparse (first bin, weights) rows. */
export function melFilterbank(
  lowHertz: number,
  highHertz: number,
  bands = MEL_BANDS,
): { first: number; weights: Float64Array }[] {
  const low = hertzToMel(lowHertz);
  const high = hertzToMel(highHertz);
  const edges = Array.from({ length: bands + 2 }, (_, i) =>
    Math.min(FFT_SIZE / 2, (melToHertz(low + ((high - low) * i) / (bands + 1)) * FFT_SIZE) / SAMPLE_RATE),
  );
  return Array.from({ length: bands }, (_, band) => {
    const left = edges[band]!;
    const centre = edges[band + 1]!;
    const right = edges[band + 2]!;
    const first = Math.ceil(left);
    const last = Math.floor(right);
    const weights = new Float64Array(Math.max(0, last - first + 1));
    for (let bin = first; bin <= last; bin++) {
      const weight =
        bin <= centre ? (bin - left) / (centre - left || 1) : (right - bin) / (right - centre || 1);
      weights[bin - first] = Math.max(0, weight);
    }
    return { first, weights };
  });
}

export interface LogMelFeatures {
  frameCount: number;
  bands: number;
  /** `frameCount × bands` log mel energies (natural log), row per 10 ms frame. */
  logMel: Float32Array;
  /** Log frame energy (natural log of mean power). */
  logEnergy: Float32Array;
}

/** Log mel filterbank energies (40 bands, 20 Hz-8 kHz) of every 10 ms frame, streamed from the reader. */
export async function computeLogMel(
  pcm: PcmReader,
  channel: number | 'mix',
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<LogMelFeatures> {
  const frameCount = Math.ceil(pcm.length / 160);
  const logMel = new Float32Array(frameCount * MEL_BANDS);
  const logEnergy = new Float32Array(frameCount);
  const fft = createFft(FFT_SIZE);
  const filters = melFilterbank(20, SAMPLE_RATE / 2);
  const window = new Float64Array(WINDOW_SAMPLES);
  for (let i = 0; i < WINDOW_SAMPLES; i++)
    window[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (WINDOW_SAMPLES - 1));
  const real = new Float64Array(FFT_SIZE);
  const imaginary = new Float64Array(FFT_SIZE);
  const power = new Float64Array(FFT_SIZE / 2 + 1);
  await forEachFrame(pcm, channel, { frameLength: WINDOW_SAMPLES, ...options }, (frame, index) => {
    let mean = 0;
    for (let i = 0; i < WINDOW_SAMPLES; i++) mean += frame[i]!;
    mean /= WINDOW_SAMPLES;
    let energy = 0;
    real.fill(0);
    imaginary.fill(0);
    let previous = frame[0]! - mean;
    for (let i = 0; i < WINDOW_SAMPLES; i++) {
      const sample = frame[i]! - mean;
      energy += sample * sample;
      // Pre-emphasis flattens the spectral tilt of voiced speech so upper formants weigh in.
      real[i] = (sample - 0.97 * previous) * window[i]!;
      previous = sample;
    }
    logEnergy[index] = Math.log(energy / WINDOW_SAMPLES + 1e-10);
    fft(real, imaginary);
    for (let bin = 0; bin <= FFT_SIZE / 2; bin++) power[bin] = real[bin]! ** 2 + imaginary[bin]! ** 2;
    const offset = index * MEL_BANDS;
    filters.forEach((filter, band) => {
      let sum = 0;
      for (let k = 0; k < filter.weights.length; k++) sum += filter.weights[k]! * power[filter.first + k]!;
      logMel[offset + band] = Math.log(sum + 1e-8);
    });
  });
  return { frameCount, bands: MEL_BANDS, logMel, logEnergy };
}

/**
 * Mel bands that carry signal. Telephone audio (8 kHz, upsampled) has nothing above ~4 kHz; cepstra
 * over empty bands would describe the resampler, not the speaker. A band is kept when its mean log
 * energy over speech frames is within 40 dB of the strongest band's.
 */
export function usableBandCount(features: LogMelFeatures, speechFrames: Uint32Array): number {
  const means = new Float64Array(features.bands);
  for (const frame of speechFrames)
    for (let band = 0; band < features.bands; band++)
      means[band]! += features.logMel[frame * features.bands + band]!;
  const strongest = Math.max(...means.map((sum) => sum / Math.max(1, speechFrames.length)));
  const floor = strongest - 40 / (10 / Math.LN10); // 40 dB in natural-log power units
  let usable = features.bands;
  while (usable > 8 && means[usable - 1]! / Math.max(1, speechFrames.length) < floor) usable--;
  return usable;
}

/**
 * Cepstra c1…c19 (c0, loudness, left out: it says more about the microphone than the voice) of the
 * given frames over the first `bands` mel bands, then mean- and variance-normalised over those frames
 * so the channel's colouring cancels out. Returns `frames.length × 19` values.
 */
export function normalisedCepstra(
  features: LogMelFeatures,
  frames: Uint32Array,
  bands: number,
): Float32Array {
  const dimensions = CEPSTRA - 1;
  const dct = new Float64Array(dimensions * bands);
  for (let c = 1; c < CEPSTRA; c++)
    for (let band = 0; band < bands; band++)
      dct[(c - 1) * bands + band] = Math.cos((Math.PI * c * (band + 0.5)) / bands) * Math.sqrt(2 / bands);
  const cepstra = new Float32Array(frames.length * dimensions);
  frames.forEach((frame, row) => {
    const offset = frame * features.bands;
    for (let c = 0; c < dimensions; c++) {
      let sum = 0;
      for (let band = 0; band < bands; band++)
        sum += dct[c * bands + band]! * features.logMel[offset + band]!;
      cepstra[row * dimensions + c] = sum;
    }
  });
  for (let c = 0; c < dimensions; c++) {
    let mean = 0;
    for (let row = 0; row < frames.length; row++) mean += cepstra[row * dimensions + c]!;
    mean /= Math.max(1, frames.length);
    let variance = 0;
    for (let row = 0; row < frames.length; row++) variance += (cepstra[row * dimensions + c]! - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / Math.max(1, frames.length) + 1e-8);
    for (let row = 0; row < frames.length; row++)
      cepstra[row * dimensions + c] = (cepstra[row * dimensions + c]! - mean) * scale;
  }
  return cepstra;
}

export const CEPSTRAL_DIMENSIONS = CEPSTRA - 1;
