import type { TimeSpan } from '@echolens/provider';
import { throwIfAborted } from '@echolens/provider';
import type { PcmReader } from '../audio/types.js';

/** Analysis frames step by 10 ms: fine enough for turn boundaries, coarse enough to stay cheap. */
export const FRAME_HOP_SAMPLES = 160;
export const FRAMES_PER_SECOND = 100;
export const FRAME_SEC = 1 / FRAMES_PER_SECOND;

/** Floor for log energies so digital silence does not become -Infinity. */
const ENERGY_FLOOR = 1e-10;

export interface FrameWalkOptions {
  /** Samples per frame (e.g. 400 = 25 ms); frames start every `FRAME_HOP_SAMPLES`. */
  frameLength: number;
  signal?: AbortSignal;
  /** Called with the fraction of the channel walked. */
  onProgress?: (fraction: number) => void;
}

/**
 * Reads one channel in chunks and calls `visit` for every frame, without holding the whole channel
 * in memory. Frame `i` covers samples [i·hop, i·hop + frameLength); the last frames are zero-padded.
 * Returns the number of frames (one per 10 ms of audio).
 */
export async function forEachFrame(
  pcm: PcmReader,
  channel: number | 'mix',
  options: FrameWalkOptions,
  visit: (frame: Float32Array, index: number) => void,
): Promise<number> {
  const { frameLength } = options;
  const frameCount = Math.ceil(pcm.length / FRAME_HOP_SAMPLES);
  const frame = new Float32Array(frameLength);
  // Samples not yet consumed by a frame start; frames overlap, so a frame's tail is kept for the next.
  let pending = new Float32Array(0);
  let pendingStart = 0;
  let index = 0;
  for await (const chunk of readChannel(pcm, channel, options.signal)) {
    const joined = new Float32Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    while (index < frameCount && index * FRAME_HOP_SAMPLES + frameLength <= pendingStart + joined.length) {
      const offset = index * FRAME_HOP_SAMPLES - pendingStart;
      frame.set(joined.subarray(offset, offset + frameLength));
      visit(frame, index);
      index++;
    }
    const keepFrom = Math.min(joined.length, index * FRAME_HOP_SAMPLES - pendingStart);
    pending = joined.slice(keepFrom);
    pendingStart += keepFrom;
    options.onProgress?.(Math.min(1, (pendingStart + pending.length) / Math.max(1, pcm.length)));
  }
  while (index < frameCount) {
    const offset = index * FRAME_HOP_SAMPLES - pendingStart;
    frame.fill(0);
    frame.set(pending.subarray(Math.max(0, offset), Math.max(0, offset) + frameLength));
    visit(frame, index);
    index++;
  }
  return frameCount;
}

const BLOCK_SAMPLES = 16_000 * 30;

/** A channel, or the average of all channels (`mix`), in 30 s blocks. */
async function* readChannel(
  pcm: PcmReader,
  channel: number | 'mix',
  signal: AbortSignal | undefined,
): AsyncIterable<Float32Array> {
  if (channel !== 'mix' || pcm.channelCount === 1) {
    for await (const chunk of pcm.chunks(channel === 'mix' ? 0 : channel, { chunkSamples: BLOCK_SAMPLES })) {
      throwIfAborted(signal);
      yield chunk;
    }
    return;
  }
  for (let start = 0; start < pcm.length; start += BLOCK_SAMPLES) {
    throwIfAborted(signal);
    const end = Math.min(pcm.length, start + BLOCK_SAMPLES);
    const mixed = new Float32Array(end - start);
    for (let source = 0; source < pcm.channelCount; source++) {
      const block = await pcm.read(source, start, end);
      for (let i = 0; i < block.length; i++) mixed[i]! += block[i]! / pcm.channelCount;
    }
    yield mixed;
  }
}

/** Log energy (dB re full scale) of every 10 ms frame of a channel. */
export async function frameEnergiesDb(
  pcm: PcmReader,
  channel: number | 'mix',
  options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<Float32Array> {
  const energies = new Float32Array(Math.ceil(pcm.length / FRAME_HOP_SAMPLES));
  await forEachFrame(pcm, channel, { frameLength: FRAME_HOP_SAMPLES, ...options }, (frame, index) => {
    let sum = 0;
    for (let i = 0; i < frame.length; i++) sum += frame[i]! * frame[i]!;
    energies[index] = 10 * Math.log10(sum / frame.length + ENERGY_FLOOR);
  });
  return energies;
}

/** Frames (10 ms) covered by the spans: 1 inside, 0 outside. */
export function spansToMask(spans: readonly TimeSpan[], frameCount: number): Uint8Array {
  const mask = new Uint8Array(frameCount);
  for (const span of spans) {
    const first = Math.max(0, Math.round(span.startSec * FRAMES_PER_SECOND));
    const last = Math.min(frameCount, Math.round(span.endSec * FRAMES_PER_SECOND));
    mask.fill(1, first, last);
  }
  return mask;
}

/** Runs of consecutive frames with the same non-negative value, as `[start, end)` frame ranges. */
export function runsOf(labels: ArrayLike<number>): { start: number; end: number; value: number }[] {
  const runs: { start: number; end: number; value: number }[] = [];
  let start = 0;
  for (let i = 1; i <= labels.length; i++) {
    if (i === labels.length || labels[i] !== labels[start]) {
      const value = labels[start]!;
      if (value >= 0 && i > start) runs.push({ start, end: i, value });
      start = i;
    }
  }
  return runs;
}

/** Time spans of the frames set in a mask. */
export function maskToSpans(mask: ArrayLike<number>): TimeSpan[] {
  return runsOf(mask)
    .filter((run) => run.value > 0)
    .map((run) => ({ startSec: run.start * FRAME_SEC, endSec: run.end * FRAME_SEC }));
}

/** Fills gaps of at most `maxGapFrames` between set frames, and clears islands shorter than `minRunFrames`. */
export function smoothMask(mask: Uint8Array, maxGapFrames: number, minRunFrames: number): Uint8Array {
  const result = mask.slice();
  for (const run of runsOf(result)) {
    const interior = run.start > 0 && run.end < result.length;
    if (run.value === 0 && interior && run.end - run.start <= maxGapFrames)
      result.fill(1, run.start, run.end);
  }
  for (const run of runsOf(result)) {
    if (run.value === 1 && run.end - run.start < minRunFrames) result.fill(0, run.start, run.end);
  }
  return result;
}

/**
 * A speech mask from energies alone, for audio that arrives without VAD regions: Otsu's threshold
 * between the quiet and loud modes of the frame-energy histogram, then 0.3 s gaps bridged.
 */
export function energySpeechMask(energiesDb: Float32Array): Uint8Array {
  const bins = 100;
  const low = -100;
  const high = 0;
  const histogram = new Float64Array(bins);
  for (const value of energiesDb) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((value - low) / (high - low)) * bins)));
    histogram[bin]!++;
  }
  const total = energiesDb.length;
  let sumAll = 0;
  for (let i = 0; i < bins; i++) sumAll += i * histogram[i]!;
  let bestThreshold = 0;
  let bestVariance = -1;
  let weightBelow = 0;
  let sumBelow = 0;
  for (let i = 0; i < bins; i++) {
    weightBelow += histogram[i]!;
    sumBelow += i * histogram[i]!;
    const weightAbove = total - weightBelow;
    if (weightBelow === 0 || weightAbove === 0) continue;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const variance = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      bestThreshold = i + 1;
    }
  }
  const thresholdDb = low + (bestThreshold / bins) * (high - low);
  const mask = new Uint8Array(energiesDb.length);
  for (let i = 0; i < energiesDb.length; i++) mask[i] = energiesDb[i]! > thresholdDb ? 1 : 0;
  return smoothMask(mask, 30, 10);
}
