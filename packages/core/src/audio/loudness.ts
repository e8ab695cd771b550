import type { ChannelLoudness } from '../schema/prepared-audio.js';
import { FrameLevels, powerToDbfs, SILENCE_DBFS } from './frame-levels.js';

/**
 * The normalisation rule. Whisper and Silero cope with most levels, but speech peaking around
 * −45 dBFS (some FLEURS clips, far-end telephone legs) drops into their noise floor, so quiet
 * channels are amplified on read:
 *
 * - speech level = the 95th percentile of 32 ms frame levels (the loud frames, i.e. voiced speech,
 *   whatever share of the call is silence); raise it to `targetSpeechDbfs`;
 * - never push the sample peak above `peakCeilingDbfs` (no clipping, so no distortion is added);
 * - never more than `maxGainDb`: beyond that we would mostly be lifting quantisation noise;
 * - never attenuate (gain ≥ 0): loud audio is left exactly as it was;
 * - no gain at all for digital silence (peak below `silencePeakDbfs`) or for signals without
 *   speech-like dynamics (loud frames less than `minimumDynamicRangeDb` above the quiet frames, the
 *   10th percentile): steady noise, hum or a tone stays as quiet as it was instead of being blown
 *   up into garbage that a recogniser might hallucinate words from.
 */
export const NORMALISATION_RULE = {
  targetSpeechDbfs: -20,
  peakCeilingDbfs: -1,
  maxGainDb: 40,
  silencePeakDbfs: -90,
  minimumDynamicRangeDb: 12,
  speechPercentile: 0.95,
  floorPercentile: 0.1,
} as const;

export interface LoudnessMeasurement {
  peakDbfs: number;
  rmsDbfs: number;
  /** 95th percentile frame level: how loud the speech is. */
  speechLevelDbfs: number;
  /** 10th percentile frame level: the noise floor. */
  floorLevelDbfs: number;
}

/** Measures one channel as samples stream past: sample peak, overall RMS and frame-level percentiles. */
export class LoudnessMeter {
  private peak = 0;
  private sumSquares = 0;
  private count = 0;
  private readonly frames = new FrameLevels();

  push(samples: Float32Array): void {
    let peak = this.peak;
    let sumSquares = 0;
    for (let index = 0; index < samples.length; index++) {
      const sample = samples[index]!;
      const magnitude = sample < 0 ? -sample : sample;
      if (magnitude > peak) peak = magnitude;
      sumSquares += sample * sample;
    }
    this.peak = peak;
    this.sumSquares += sumSquares;
    this.count += samples.length;
    this.frames.push(samples);
  }

  finish(): LoudnessMeasurement {
    this.frames.finish();
    return {
      peakDbfs: this.peak > 0 ? Math.max(SILENCE_DBFS, 20 * Math.log10(this.peak)) : SILENCE_DBFS,
      rmsDbfs: this.count > 0 ? powerToDbfs(this.sumSquares / this.count) : SILENCE_DBFS,
      speechLevelDbfs: this.frames.percentile(NORMALISATION_RULE.speechPercentile),
      floorLevelDbfs: this.frames.percentile(NORMALISATION_RULE.floorPercentile),
    };
  }
}

/** The gain (dB) NORMALISATION_RULE gives a channel; 0 means "leave it alone". */
export function normalisationGainDb(measurement: LoudnessMeasurement): number {
  const rule = NORMALISATION_RULE;
  if (measurement.peakDbfs < rule.silencePeakDbfs) return 0;
  if (measurement.speechLevelDbfs - measurement.floorLevelDbfs < rule.minimumDynamicRangeDb) return 0;
  const gain = Math.min(
    rule.targetSpeechDbfs - measurement.speechLevelDbfs,
    rule.peakCeilingDbfs - measurement.peakDbfs,
    rule.maxGainDb,
  );
  return gain > 0 ? Math.round(gain * 100) / 100 : 0;
}

/** The schema's per-channel loudness record. */
export function toChannelLoudness(
  channel: number,
  measurement: LoudnessMeasurement,
  gainDb: number,
): ChannelLoudness {
  const round = (value: number) => Math.round(value * 100) / 100;
  return { channel, peakDbfs: round(measurement.peakDbfs), rmsDbfs: round(measurement.rmsDbfs), gainDb };
}
