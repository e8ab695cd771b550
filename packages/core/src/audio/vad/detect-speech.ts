import { EchoLensError, type Logger, silentLogger, throwIfAborted } from '@echolens/provider';
import type { SpeechRegion } from '../../schema/prepared-audio.js';
import { energySpeechRegions } from './energy.js';
import {
  loadSilero,
  SILERO_WINDOW_SAMPLES,
  sileroModelExists,
  sileroModelPath,
  sileroProbabilities,
} from './silero.js';
import {
  DEFAULT_SPEECH_REGION_SETTINGS,
  type SpeechRegionSettings,
  SpeechRegionTracker,
} from './speech-regions.js';

export type VadMethod = 'auto' | 'silero' | 'energy';

export interface DetectSpeechOptions extends Partial<SpeechRegionSettings> {
  /** 'auto' (default): Silero when its model is found, else energy-based. */
  method?: VadMethod;
  /** Folder holding snakers4/silero-vad/silero_vad.onnx; default resolveModelsDir(). */
  modelsDir?: string;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface SpeechDetection {
  method: 'silero' | 'energy';
  /** Why the energy detector stands in for Silero, when it does (model missing or unloadable). */
  fallbackReason?: string;
  regions: SpeechRegion[];
}

/** A chosen detector, reusable across the channels of one recording. */
export interface SpeechDetector {
  method: 'silero' | 'energy';
  /** Why the energy detector stands in for Silero, when it does (model missing or unloadable). */
  fallbackReason?: string;
  /** Regions of one 16 kHz channel; `openChunks` may be called more than once (energy reads twice). */
  detect(
    openChunks: () => AsyncIterable<Float32Array>,
    totalSamples: number,
    onSamples?: (processed: number) => void,
  ): Promise<SpeechRegion[]>;
}

/**
 * Picks the detector: Silero when asked for (failing with ModelLoadError if it cannot load) or, for
 * 'auto', when its model file is there; the energy detector otherwise (logged, so a missing model
 * does not go unnoticed).
 */
export async function createSpeechDetector(options: DetectSpeechOptions = {}): Promise<SpeechDetector> {
  const logger = options.logger ?? silentLogger;
  const method = options.method ?? 'auto';
  const settings: SpeechRegionSettings = { ...DEFAULT_SPEECH_REGION_SETTINGS };
  for (const key of Object.keys(settings) as (keyof SpeechRegionSettings)[]) {
    if (options[key] !== undefined) settings[key] = options[key]!;
  }
  const energy = (fallbackReason?: string): SpeechDetector => ({
    method: 'energy',
    ...(fallbackReason ? { fallbackReason } : {}),
    detect: (openChunks, totalSamples) =>
      energySpeechRegions(openChunks, totalSamples, settings, options.signal),
  });
  if (method === 'energy') return energy();

  const modelPath = sileroModelPath(options.modelsDir);
  if (method === 'auto' && !sileroModelExists(options.modelsDir)) {
    const reason = `Silero VAD model not found at ${modelPath}; the weaker energy-based speech detector was used (run \`npm run setup\` or set --models-dir)`;
    logger.warn({ modelPath }, reason);
    return energy(reason);
  }
  let loaded: Awaited<ReturnType<typeof loadSilero>>;
  try {
    loaded = await loadSilero(modelPath);
  } catch (error) {
    if (method === 'silero') throw error;
    const reason = `Silero VAD could not be loaded (${EchoLensError.isInstance(error) ? error.message : String(error)}); the weaker energy-based speech detector was used`;
    logger.warn({ modelPath }, reason);
    return energy(reason);
  }
  return {
    method: 'silero',
    async detect(openChunks, totalSamples, onSamples) {
      const tracker = new SpeechRegionTracker(settings, SILERO_WINDOW_SAMPLES, 16_000);
      let processed = 0;
      for await (const probability of sileroProbabilities(loaded, openChunks(), options.signal)) {
        tracker.push(probability);
        processed += SILERO_WINDOW_SAMPLES;
        if (processed % (SILERO_WINDOW_SAMPLES * 256) === 0) onSamples?.(Math.min(processed, totalSamples));
      }
      return tracker.finish(totalSamples);
    },
  };
}

/** Speech regions of 16 kHz mono samples already in memory (e.g. a live-call buffer or a test clip). */
export async function detectSpeech(
  samples: Float32Array,
  options: DetectSpeechOptions = {},
): Promise<SpeechDetection> {
  throwIfAborted(options.signal);
  const detector = await createSpeechDetector(options);
  const chunkSamples = 16_000 * 30;
  const openChunks = async function* () {
    for (let offset = 0; offset < samples.length; offset += chunkSamples) {
      yield samples.subarray(offset, offset + chunkSamples);
    }
  };
  const regions = await detector.detect(openChunks, samples.length);
  return {
    method: detector.method,
    ...(detector.fallbackReason ? { fallbackReason: detector.fallbackReason } : {}),
    regions,
  };
}
