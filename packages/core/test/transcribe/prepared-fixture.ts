import type {
  PreparedAudio,
  SpeechRegion,
  SpeechToTextAudio,
  SpeechToTextCallOptions,
  SpeechToTextModel,
  SpeechToTextResult,
} from '@echolens/core';
import { memoryPcm } from '../diarize/audio-fixture.js';

export const RATE = 16_000;

/** PreparedAudio over in-memory channels with the given speech regions (test material only). */
export function preparedFromChannels(
  channels: Float32Array[],
  speech: SpeechRegion[][],
  name = 'fixture.wav',
): PreparedAudio {
  const durationSec = (channels[0]?.length ?? 0) / RATE;
  return {
    sampleRate: RATE,
    channelCount: channels.length,
    durationSec,
    source: {
      name,
      format: 'wav',
      codec: 'pcm_f32le',
      sampleRate: RATE,
      channelCount: channels.length,
      byteLength: (channels[0]?.length ?? 0) * 4 * channels.length,
      sha256: '0'.repeat(64),
      decoder: 'builtin',
    },
    loudness: channels.map((_, channel) => ({ channel, peakDbfs: 0, rmsDbfs: -20, gainDb: 0 })),
    speech,
    vad: { method: 'energy' },
    pcm: memoryPcm(channels),
    dispose: async () => {},
  };
}

/**
 * A deterministic stand-in for a speech-to-text model, used only where the model is not what is
 * being tested (packing, time mapping, guards): it reports one segment per run of non-zero samples,
 * so the expected times are known exactly. `extra` adds scripted segments per call.
 */
export function runDetectingModel(
  options: {
    extra?: (call: number, windowSec: number) => SpeechToTextResult['segments'];
    language?: (call: number, forced: string | undefined) => string;
    /** Which runs a call reports (default all), e.g. to imitate a model that stops early. */
    keep?: (call: number, run: number, samples: Float32Array) => boolean;
  } = {},
) {
  const calls: { samples: Float32Array; options: SpeechToTextCallOptions | undefined }[] = [];
  const model: SpeechToTextModel = {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'run-detector',
    maxWindowSec: 30,
    async transcribe(audio: SpeechToTextAudio, callOptions?: SpeechToTextCallOptions) {
      const call = calls.length;
      calls.push({ samples: audio.samples, options: callOptions });
      const segments: SpeechToTextResult['segments'] = [];
      let runStart = -1;
      let runs = 0;
      for (let i = 0; i <= audio.samples.length; i++) {
        const voiced = i < audio.samples.length && audio.samples[i] !== 0;
        if (voiced && runStart < 0) runStart = i;
        if (!voiced && runStart >= 0) {
          const startSec = runStart / RATE;
          const endSec = i / RATE;
          const run = runs++;
          runStart = -1;
          if (options.keep && !options.keep(call, run, audio.samples)) continue;
          segments.push({
            startSec,
            endSec,
            text: `run ${segments.length + 1} of call ${call + 1}`,
            words: [{ startSec, endSec, text: 'run', confidence: 0.9 }],
            averageLogProbability: -0.1,
            noSpeechProbability: 0.01,
          });
        }
      }
      segments.push(...(options.extra?.(call, audio.samples.length / RATE) ?? []));
      return {
        language: options.language?.(call, callOptions?.language) ?? callOptions?.language ?? 'en',
        segments,
      };
    },
  };
  return { model, calls };
}

/** A channel of silence (exact zeros) with a constant tone in each region, so regions are unmistakable. */
export function toneChannel(durationSec: number, regions: SpeechRegion[]): Float32Array {
  const samples = new Float32Array(Math.round(durationSec * RATE));
  for (const region of regions) {
    for (let i = Math.round(region.startSec * RATE); i < Math.round(region.endSec * RATE); i++) {
      samples[i] = 0.25 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.3;
    }
  }
  return samples;
}
