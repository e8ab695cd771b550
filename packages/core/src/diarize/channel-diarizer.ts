import type {
  Diarization,
  Diarizer,
  DiarizerCallOptions,
  DiarizerInput,
  SpeakerSegment,
} from '@echolens/provider';
import { throwIfAborted } from '@echolens/provider';
import { addLevelActivity, type LevelActivityOptions } from './channel-activity.js';
import {
  energySpeechMask,
  FRAME_SEC,
  FRAMES_PER_SECOND,
  frameEnergiesDb,
  maskToSpans,
  smoothMask,
  spansToMask,
} from './frames.js';
import { bridgeShortPauses, speechSecondsBySpeaker } from './speaker-segments.js';

export interface ChannelDiarizerOptions {
  /**
   * A channel is heard as bleed (the other party's voice leaking into its microphone or line) when it
   * is at least this many dB quieter than the loudest active channel and its loudness envelope follows
   * that channel's. Default 10 dB: echo and acoustic bleed sit 20-40 dB down.
   */
  crosstalkMarginDb?: number;
  /**
   * Envelope correlation (over ±0.5 s) above which the quieter channel is taken to copy the louder one
   * (default 0.7). Two people really talking at once have independent envelopes, so their overlap stays.
   */
  crosstalkCorrelation?: number;
  /** Speech islands shorter than this are dropped after bleed removal (default 0.2 s). */
  minSpeechSec?: number;
  /** Pauses shorter than this inside one speaker's speech are part of the turn (default 0.5 s). */
  bridgePauseSec?: number;
  /**
   * Voice the VAD missed, found by level above each channel's noise floor (see `LevelActivityOptions`),
   * added before crosstalk removal; `false` keeps the VAD regions alone. On by default: Silero misses
   * short backchannels and soft speech on isolated telephone legs.
   */
  levelActivity?: LevelActivityOptions | false;
}

/** Window for the envelope comparison: long enough to see syllable rhythm, short enough to track turns. */
const ENVELOPE_SMOOTHING_FRAMES = 15;
const CORRELATION_HALF_WINDOW_FRAMES = 50;

function movingAverage(values: Float32Array, halfWidth: number): Float32Array {
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  const result = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const left = Math.max(0, i - halfWidth);
    const right = Math.min(values.length, i + halfWidth + 1);
    result[i] = (prefix[right]! - prefix[left]!) / (right - left);
  }
  return result;
}

/** Pearson correlation of two series over [start, end). */
function correlation(a: Float32Array, b: Float32Array, start: number, end: number): number {
  let meanA = 0;
  let meanB = 0;
  const n = end - start;
  for (let i = start; i < end; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = start; i < end; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    covariance += da * db;
    varianceA += da * da;
    varianceB += db * db;
  }
  return varianceA > 0 && varianceB > 0 ? covariance / Math.sqrt(varianceA * varianceB) : 0;
}

/**
 * Removes bleed from per-channel speech masks: where several channels are active, a channel that is
 * clearly quieter than the loudest one and whose loudness envelope follows it is hearing the other
 * party, not speaking. Real overlaps (independent envelopes) are kept. Exported for tests and for
 * callers with their own masks.
 */
export function removeCrosstalk(
  energiesDb: readonly Float32Array[],
  speechMasks: readonly Uint8Array[],
  options: ChannelDiarizerOptions = {},
): { masks: Uint8Array[]; bleedFrames: number[] } {
  const margin = options.crosstalkMarginDb ?? 10;
  const minCorrelation = options.crosstalkCorrelation ?? 0.7;
  const channels = energiesDb.length;
  const frameCount = Math.min(...energiesDb.map((energies) => energies.length));
  const masks = speechMasks.map((mask) => mask.slice());
  const bleedFrames = new Array<number>(channels).fill(0);
  if (channels < 2) return { masks, bleedFrames };

  const envelopes = energiesDb.map((energies) => movingAverage(energies, ENVELOPE_SMOOTHING_FRAMES));
  for (let t = 0; t < frameCount; t++) {
    let active = 0;
    let loudest = -1;
    for (let channel = 0; channel < channels; channel++) {
      if (!speechMasks[channel]![t]) continue;
      active++;
      if (loudest < 0 || envelopes[channel]![t]! > envelopes[loudest]![t]!) loudest = channel;
    }
    if (active < 2) continue;
    for (let channel = 0; channel < channels; channel++) {
      if (channel === loudest || !speechMasks[channel]![t]) continue;
      if (envelopes[channel]![t]! > envelopes[loudest]![t]! - margin) continue;
      const start = Math.max(0, t - CORRELATION_HALF_WINDOW_FRAMES);
      const end = Math.min(frameCount, t + CORRELATION_HALF_WINDOW_FRAMES + 1);
      if (correlation(envelopes[channel]!, envelopes[loudest]!, start, end) < minCorrelation) continue;
      masks[channel]![t] = 0;
      bleedFrames[channel]!++;
    }
  }
  const minRunFrames = Math.round((options.minSpeechSec ?? 0.2) * FRAMES_PER_SECOND);
  return {
    masks: masks.map((mask, channel) =>
      bleedFrames[channel]! > 0 ? smoothMask(mask, 0, minRunFrames) : mask,
    ),
    bleedFrames,
  };
}

/**
 * One speaker per channel (stereo contact-center recordings: agent on one side, customer on the other).
 * Speech comes from the VAD regions of each channel plus the voiced level above its noise floor that
 * the VAD missed, with the other party's bleed removed.
 */
export function createChannelDiarizer(options: ChannelDiarizerOptions = {}): Diarizer {
  return {
    specificationVersion: 'v1',
    provider: 'echolens',
    modelId: 'channel',
    async diarize({ audio }: DiarizerInput, call: DiarizerCallOptions = {}): Promise<Diarization> {
      const channels = audio.channelCount;
      const energies: Float32Array[] = [];
      for (let channel = 0; channel < channels; channel++) {
        throwIfAborted(call.signal, audio.source?.name);
        energies.push(
          await frameEnergiesDb(audio.pcm, channel, {
            signal: call.signal,
            onProgress: (fraction) => call.onProgress?.((channel + fraction) / channels),
          }),
        );
      }
      const masks = energies.map((channelEnergies, channel) => {
        const regions = audio.speech[channel];
        return regions ? spansToMask(regions, channelEnergies.length) : energySpeechMask(channelEnergies);
      });
      const addedSec: number[] = [];
      const warnings = new Set<string>();
      if (options.levelActivity !== false) {
        for (let channel = 0; channel < channels; channel++) {
          const added = await addLevelActivity(audio.pcm, channel, energies[channel]!, masks[channel]!, {
            minRunSec: options.minSpeechSec,
            ...options.levelActivity,
            signal: call.signal,
          });
          masks[channel] = added.mask;
          addedSec.push(added.addedFrames * FRAME_SEC);
          if (added.warning) warnings.add(added.warning);
        }
      }
      const cleaned = removeCrosstalk(energies, masks, options);
      call.logger?.debug(
        { levelAddedSec: addedSec, bleedSec: cleaned.bleedFrames.map((frames) => frames * FRAME_SEC) },
        'channel activity: level added, crosstalk removed',
      );

      const segments: SpeakerSegment[] = bridgeShortPauses(
        cleaned.masks.flatMap((mask, channel) =>
          maskToSpans(mask).map((span) => ({ ...span, speaker: `spk_${channel}`, channel })),
        ),
        options.bridgePauseSec ?? 0.5,
      );
      const seconds = speechSecondsBySpeaker(segments);
      const speakers = cleaned.masks.map((_, channel) => ({
        id: `spk_${channel}`,
        channel,
        speechSec: seconds.get(`spk_${channel}`) ?? 0,
      }));
      call.onProgress?.(1);
      for (const warning of warnings) call.logger?.warn({ file: audio.source?.name }, warning);
      return {
        durationSec: audio.durationSec,
        speakers,
        segments,
        method: 'echolens/channel',
        ...(warnings.size ? { warnings: [...warnings] } : {}),
      };
    },
  };
}
