import type { SpeechRegion } from '../../schema/prepared-audio.js';

/** How frame scores become speech regions; the defaults are Silero's own `get_speech_timestamps`. */
export interface SpeechRegionSettings {
  /** A frame scoring at least this starts (or continues) speech. */
  threshold: number;
  /** Speech ends only after frames fall below this (hysteresis; Silero uses threshold − 0.15). */
  negativeThreshold: number;
  /** Shorter bursts are dropped. */
  minSpeechMs: number;
  /** Pauses shorter than this do not split a region. */
  minSilenceMs: number;
  /** Added around each region (split evenly when two regions are closer than twice this). */
  speechPadMs: number;
}

export const DEFAULT_SPEECH_REGION_SETTINGS: SpeechRegionSettings = {
  threshold: 0.5,
  negativeThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
};

interface SampleRegion {
  start: number;
  end: number;
  score: number;
}

/**
 * Turns one score per window (speech probability, or a normalised energy) into regions with the
 * same state machine as Silero's `get_speech_timestamps`, one window at a time, so a long recording
 * never needs its whole probability track in memory.
 */
export class SpeechRegionTracker {
  private readonly regions: SampleRegion[] = [];
  private readonly minSpeechSamples: number;
  private readonly minSilenceSamples: number;
  private readonly padSamples: number;
  private windowIndex = 0;
  private triggered = false;
  private start = 0;
  private silenceStart: number | undefined;
  private scoreSum = 0;
  private scoreCount = 0;
  /** Score totals at the moment the current silence began (the region's end if it closes there). */
  private scoreSumAtSilence = 0;
  private scoreCountAtSilence = 0;

  constructor(
    private readonly settings: SpeechRegionSettings,
    private readonly windowSamples: number,
    private readonly sampleRate: number,
  ) {
    this.minSpeechSamples = (sampleRate * settings.minSpeechMs) / 1000;
    this.minSilenceSamples = (sampleRate * settings.minSilenceMs) / 1000;
    this.padSamples = Math.floor((sampleRate * settings.speechPadMs) / 1000);
  }

  push(score: number): void {
    const position = this.windowIndex * this.windowSamples;
    this.windowIndex++;
    const { threshold, negativeThreshold } = this.settings;
    if (score >= threshold) this.silenceStart = undefined;
    if (!this.triggered) {
      if (score >= threshold) {
        this.triggered = true;
        this.start = position;
        this.scoreSum = score;
        this.scoreCount = 1;
      }
      return;
    }
    if (score < negativeThreshold) {
      if (this.silenceStart === undefined) {
        this.silenceStart = position;
        this.scoreSumAtSilence = this.scoreSum;
        this.scoreCountAtSilence = this.scoreCount;
      }
      if (position - this.silenceStart >= this.minSilenceSamples) {
        this.close(this.silenceStart, this.scoreSumAtSilence / this.scoreCountAtSilence);
        this.triggered = false;
        this.silenceStart = undefined;
        return;
      }
    }
    this.scoreSum += score;
    this.scoreCount++;
  }

  /** The regions, padded and in seconds; `totalSamples` is the recording's length. */
  finish(totalSamples: number): SpeechRegion[] {
    if (this.triggered) {
      this.close(totalSamples, this.scoreSum / this.scoreCount);
      this.triggered = false;
    }
    const regions = this.regions.map((region) => ({ ...region }));
    const pad = this.padSamples;
    regions.forEach((region, index) => {
      if (index === 0) region.start = Math.max(0, region.start - pad);
      const next = regions[index + 1];
      if (!next) {
        region.end = Math.min(totalSamples, region.end + pad);
        return;
      }
      const gap = next.start - region.end;
      if (gap < 2 * pad) {
        region.end += Math.floor(gap / 2);
        next.start = Math.max(0, next.start - Math.floor(gap / 2));
      } else {
        region.end = Math.min(totalSamples, region.end + pad);
        next.start = Math.max(0, next.start - pad);
      }
    });
    const seconds = (samples: number) => Math.round((samples / this.sampleRate) * 1000) / 1000;
    return regions.map((region) => ({
      startSec: seconds(region.start),
      endSec: seconds(region.end),
      score: Math.round(Math.min(1, Math.max(0, region.score)) * 1000) / 1000,
    }));
  }

  private close(end: number, score: number): void {
    if (end - this.start > this.minSpeechSamples) this.regions.push({ start: this.start, end, score });
  }
}
