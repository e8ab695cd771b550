import { throwIfAborted } from '@echolens/provider';
import type { PcmReader } from '../audio/types.js';
import {
  loadSilero,
  SILERO_WINDOW_SAMPLES,
  sileroModelExists,
  sileroModelPath,
  sileroProbabilities,
} from '../audio/vad/silero.js';
import { DEFAULT_SPEECH_REGION_SETTINGS } from '../audio/vad/speech-regions.js';
import { FRAME_HOP_SAMPLES, FRAMES_PER_SECOND, runsOf } from './frames.js';

/**
 * Voice the VAD missed on a channel that carries one speaker. Silero VAD misses short backchannels and
 * soft speech on an isolated telephone leg: its 0.5 onset threshold is rarely reached in them. On such
 * a channel, level well above the line's own noise floor is strong evidence that its speaker made a
 * sound; Silero then only has to agree it was speech at its lower continuation threshold (the score at
 * which it keeps speech going once started), which rules out clicks, breaths and room noise.
 */
export interface LevelActivityOptions {
  /** Level above the noise floor at which a sound starts (default 12 dB: noise frames rarely reach it). */
  onsetDb?: number;
  /** Level above the noise floor below which it ends (default 6 dB; the gap to onset is hysteresis). */
  offsetDb?: number;
  /**
   * The floor is the quietest 100 ms within this window around each frame (default 3 s): long enough
   * to contain a pause in fluent speech, short enough to follow noise that changes during a call.
   */
  noiseWindowSec?: number;
  /** Sounds shorter than this are dropped (default 0.2 s, or the channel diarizer's `minSpeechSec`). */
  minRunSec?: number;
  /**
   * Silero speech probability a sound the VAD did not keep must reach to count as voice (default: the
   * VAD's own continuation threshold, 0.35).
   */
  voiceThreshold?: number;
  /** Folder holding snakers4/silero-vad/silero_vad.onnx (default `resolveModelsDir()`). Without the model, nothing is added. */
  modelsDir?: string;
}

/** Frames this quiet are digital silence (gated lines, lost packets), not the line's noise floor. */
const DIGITAL_SILENCE_DB = -90;
/** Detection smooths 10 ms frames over 30 ms so single-frame flicker neither starts nor ends voice. */
const DETECTION_SMOOTHING_FRAMES = 3;
const FLOOR_SMOOTHING_FRAMES = 10;

/**
 * Power average (in dB) of the frames centred on each frame, over `width` frames, leaving digital
 * silence out (a lost packet inside a word must not pull the level down, nor the floor under the line's
 * real noise); -Infinity where every frame is digital silence.
 */
function smoothedDb(energiesDb: Float32Array, width: number): Float32Array {
  const power = new Float64Array(energiesDb.length + 1);
  const counted = new Uint32Array(energiesDb.length + 1);
  for (let i = 0; i < energiesDb.length; i++) {
    const audible = energiesDb[i]! >= DIGITAL_SILENCE_DB;
    power[i + 1] = power[i]! + (audible ? 10 ** (energiesDb[i]! / 10) : 0);
    counted[i + 1] = counted[i]! + (audible ? 1 : 0);
  }
  const half = Math.floor(width / 2);
  const result = new Float32Array(energiesDb.length);
  for (let i = 0; i < energiesDb.length; i++) {
    const left = Math.max(0, i - half);
    const right = Math.min(energiesDb.length, left + width);
    const frames = counted[right]! - counted[left]!;
    result[i] =
      frames > 0 ? 10 * Math.log10((power[right]! - power[left]!) / frames) : Number.NEGATIVE_INFINITY;
  }
  return result;
}

/**
 * The channel's noise floor at every frame: the minimum of 100 ms power averages within the window
 * (minimum statistics), digital silence left out. Infinity where the window holds nothing but digital
 * silence, so nothing there can rise above the floor.
 */
export function noiseFloorDb(energiesDb: Float32Array, windowSec = 3): Float32Array {
  const track = smoothedDb(energiesDb, FLOOR_SMOOTHING_FRAMES);
  const half = Math.max(1, Math.round((windowSec * FRAMES_PER_SECOND) / 2));
  const floor = new Float32Array(track.length);
  // Sliding-window minimum with a deque of indices whose values increase.
  const deque: number[] = [];
  let head = 0;
  let added = 0;
  for (let i = 0; i < track.length; i++) {
    for (; added < Math.min(track.length, i + half + 1); added++) {
      if (track[added] === Number.NEGATIVE_INFINITY) continue;
      while (deque.length > head && track[deque.at(-1)!]! >= track[added]!) deque.pop();
      deque.push(added);
    }
    while (head < deque.length && deque[head]! < i - half) head++;
    floor[i] = head < deque.length ? track[deque[head]!]! : Number.POSITIVE_INFINITY;
  }
  return floor;
}

/** Frames whose level rises `onsetDb` above the floor, held until it falls below `offsetDb` above it. */
export function levelActivityMask(energiesDb: Float32Array, options: LevelActivityOptions = {}): Uint8Array {
  const onset = options.onsetDb ?? 12;
  const offset = options.offsetDb ?? 6;
  const floor = noiseFloorDb(energiesDb, options.noiseWindowSec);
  const level = smoothedDb(energiesDb, DETECTION_SMOOTHING_FRAMES);
  const mask = new Uint8Array(energiesDb.length);
  let active = false;
  for (let i = 0; i < level.length; i++) {
    const above = level[i]! - floor[i]!;
    active = active ? above >= offset : above >= onset;
    mask[i] = active ? 1 : 0;
  }
  return mask;
}

type LoadedSilero = Awaited<ReturnType<typeof loadSilero>>;

/** Silero's recurrent state needs some audio before a sound to judge it as it does in a full pass. */
const SILERO_CONTEXT_SEC = 0.5;

/** Silero's highest speech probability over frames [start, end) of a channel. */
async function peakSpeechProbability(
  silero: LoadedSilero,
  pcm: PcmReader,
  channel: number,
  start: number,
  end: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const soundStart = start * FRAME_HOP_SAMPLES;
  const first = Math.max(0, soundStart - Math.round(SILERO_CONTEXT_SEC * pcm.sampleRate));
  const samples = await pcm.read(channel, first, Math.min(pcm.length, end * FRAME_HOP_SAMPLES));
  let peak = 0;
  let windowEnd = first;
  const once = async function* () {
    yield samples;
  };
  for await (const probability of sileroProbabilities(silero, once(), signal)) {
    windowEnd += SILERO_WINDOW_SAMPLES;
    if (windowEnd > soundStart) peak = Math.max(peak, probability);
  }
  return peak;
}

/**
 * The VAD's speech mask of one channel with the voice it missed added: sounds above the channel's noise
 * floor that overlap VAD speech (they extend it over soft onsets and tails), or that Silero scores at
 * its continuation threshold. Bleed from other channels is not handled here: `removeCrosstalk` runs on
 * the result. Nothing is added when the Silero model is not found (the result says so in `warning`).
 */
export async function addLevelActivity(
  pcm: PcmReader,
  channel: number,
  energiesDb: Float32Array,
  vadMask: Uint8Array,
  options: LevelActivityOptions & { signal?: AbortSignal } = {},
): Promise<{ mask: Uint8Array; addedFrames: number; warning?: string }> {
  const mask = vadMask.slice();
  const modelPath = sileroModelPath(options.modelsDir);
  if (!sileroModelExists(options.modelsDir)) {
    const warning = `Silero VAD model not found at ${modelPath}: voice the VAD missed on each channel was not added`;
    return { mask, addedFrames: 0, warning };
  }
  const minRunFrames = Math.round((options.minRunSec ?? 0.2) * FRAMES_PER_SECOND);
  const threshold = options.voiceThreshold ?? DEFAULT_SPEECH_REGION_SETTINGS.negativeThreshold;
  let silero: LoadedSilero | undefined;
  let addedFrames = 0;
  for (const run of runsOf(levelActivityMask(energiesDb, options))) {
    if (run.value !== 1 || run.end - run.start < minRunFrames) continue;
    throwIfAborted(options.signal);
    let heard = false;
    for (let frame = run.start; frame < run.end && !heard; frame++) heard = vadMask[frame] === 1;
    if (!heard) {
      silero ??= await loadSilero(modelPath);
      const peak = await peakSpeechProbability(silero, pcm, channel, run.start, run.end, options.signal);
      if (peak < threshold) continue;
    }
    for (let frame = run.start; frame < run.end; frame++) {
      if (mask[frame]) continue;
      mask[frame] = 1;
      addedFrames++;
    }
  }
  return { mask, addedFrames };
}
