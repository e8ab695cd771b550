import { throwIfAborted } from '@echolens/provider';
import type { SpeechRegion } from '../../schema/prepared-audio.js';
import { FRAME_SAMPLES, FrameLevels } from '../frame-levels.js';
import { NORMALISATION_RULE } from '../loudness.js';
import { type SpeechRegionSettings, SpeechRegionTracker } from './speech-regions.js';

/**
 * Fallback when the Silero model is absent. Two passes: the first finds the channel's noise floor
 * (10th percentile of 32 ms frame levels) and speech level (95th percentile); the second scores each
 * frame by where its level sits between the two (0 = floor, 1 = speech level) and feeds the same
 * hysteresis as Silero, so a frame halfway up in dB starts speech. Signals whose loud and quiet frames
 * differ by less than the normaliser's minimum dynamic range (steady noise, hum, silence) have no
 * speech. It cannot tell speech from other loud sounds (music, door slams): that is what Silero is for.
 */
export async function energySpeechRegions(
  openChunks: () => AsyncIterable<Float32Array>,
  totalSamples: number,
  settings: SpeechRegionSettings,
  signal?: AbortSignal,
): Promise<SpeechRegion[]> {
  const levels = new FrameLevels();
  for await (const chunk of openChunks()) {
    throwIfAborted(signal);
    levels.push(chunk);
  }
  levels.finish();
  const floor = levels.percentile(NORMALISATION_RULE.floorPercentile);
  const speech = levels.percentile(NORMALISATION_RULE.speechPercentile);
  const range = speech - floor;
  if (range < NORMALISATION_RULE.minimumDynamicRangeDb || speech < NORMALISATION_RULE.silencePeakDbfs)
    return [];

  const tracker = new SpeechRegionTracker(settings, FRAME_SAMPLES, 16_000);
  const scorer = new FrameLevels((level) => tracker.push(Math.min(1, Math.max(0, (level - floor) / range))));
  for await (const chunk of openChunks()) {
    throwIfAborted(signal);
    scorer.push(chunk);
  }
  scorer.finish();
  return tracker.finish(totalSamples);
}
