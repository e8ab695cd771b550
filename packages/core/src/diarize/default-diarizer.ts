import type { Diarization, Diarizer, DiarizerCallOptions, DiarizerInput } from '@echolens/provider';
import { type ChannelDiarizerOptions, createChannelDiarizer } from './channel-diarizer.js';
import { frameEnergiesDb } from './frames.js';
import { createSpectralDiarizer, type SpectralDiarizerOptions } from './spectral-diarizer.js';

export interface DefaultDiarizerOptions {
  /** Options of the per-channel diarizer used for multi-channel recordings. */
  channel?: ChannelDiarizerOptions;
  /** Options of the spectral diarizer used for mono recordings. */
  spectral?: SpectralDiarizerOptions;
  /**
   * Folder holding the Silero VAD model, which confirms voice the VAD missed on multi-channel
   * recordings (default `resolveModelsDir()`, as for `prepareAudio`).
   */
  modelsDir?: string;
}

/**
 * Channels whose loudness moves in lockstep carry the same mix (a mono call saved as stereo), so the
 * speakers must be separated by voice, not by channel.
 */
async function channelsAreCopies(input: DiarizerInput, signal: AbortSignal | undefined): Promise<boolean> {
  const { pcm } = input.audio;
  const first = await frameEnergiesDb(pcm, 0, { signal });
  for (let channel = 1; channel < pcm.channelCount; channel++) {
    const other = await frameEnergiesDb(pcm, channel, { signal });
    let differences = 0;
    let loud = 0;
    for (let t = 0; t < first.length; t++) {
      if (first[t]! < -60 && other[t]! < -60) continue;
      loud++;
      if (Math.abs(first[t]! - other[t]!) > 3) differences++;
    }
    if (loud === 0 || differences / loud > 0.1) return false;
  }
  return true;
}

/**
 * The built-in diarizer: one speaker per channel for multi-channel recordings (with crosstalk removed),
 * spectral clustering for mono recordings and for "stereo" files whose channels carry the same mix.
 */
export function createDefaultDiarizer(options: DefaultDiarizerOptions = {}): Diarizer {
  const levelActivity = options.channel?.levelActivity;
  const channel = createChannelDiarizer({
    ...options.channel,
    levelActivity: levelActivity === false ? false : { modelsDir: options.modelsDir, ...levelActivity },
  });
  const spectral = createSpectralDiarizer(options.spectral);
  return {
    specificationVersion: 'v1',
    provider: 'echolens',
    modelId: 'auto',
    async diarize(input: DiarizerInput, call: DiarizerCallOptions = {}): Promise<Diarization> {
      if (input.audio.channelCount > 1 && !(await channelsAreCopies(input, call.signal)))
        return channel.diarize(input, call);
      return spectral.diarize(input, call);
    },
  };
}
