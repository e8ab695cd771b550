import type { PcmReader } from '@echolens/provider';
import { throwIfAborted } from '@echolens/provider';
import type { SpeechRegion } from '../schema/prepared-audio.js';

/** How speech regions are packed into model windows. Defaults: DEFAULT_WINDOW_PACKING. */
export interface WindowPackingOptions {
  /**
   * Real audio kept before and after each speech region, seconds (default 0.2, on top of the
   * VAD's own). VAD boundaries clip soft onsets and trailing consonants; a little context keeps the
   * first and last words intact. Every padded second is a second less of speech per window.
   */
  paddingSec: number;
  /**
   * Silence inserted between two packed regions, seconds (default 0.5). Regions closer than this
   * in the recording keep the real audio between them instead; either way the model hears a pause
   * and can close a segment there.
   */
  gapSec: number;
  /**
   * Decode again, from the head of the next window, the VAD speech a window left without text
   * (default true): a piece the model skipped, or a run of at least 1 s of speech inside a piece.
   * Speech that was already the head of a window is not tried again.
   */
  retryUntranscribedSpeech: boolean;
}

export const DEFAULT_WINDOW_PACKING: WindowPackingOptions = {
  paddingSec: 0.2,
  gapSec: 0.5,
  retryUntranscribedSpeech: true,
};

/** A stretch of the recording copied into a window: samples [sourceStart, sourceEnd) at windowStart. */
export interface WindowPiece {
  sourceStart: number;
  sourceEnd: number;
  windowStart: number;
}

/** One model call: pieces of one channel laid end to end with silent gaps, at most the model's window. */
export interface PlannedWindow {
  channel: number;
  pieces: WindowPiece[];
  /** Total samples including gaps. */
  length: number;
  /** The VAD speech (without padding) inside this window, in window samples, for the speech-overlap guard. */
  speech: { start: number; end: number }[];
  /** Seconds of VAD speech in the window (language votes are weighted by it). */
  speechSec: number;
}

export interface Span {
  start: number;
  end: number;
}

/** Length of the analysis frames used to find the quietest point of an over-long region. */
const QUIET_FRAME_SEC = 0.02;
/** Frames averaged around each candidate cut, so one quiet sample between syllables is not chosen. */
const QUIET_SMOOTHING_FRAMES = 5;

function toSampleSpans(regions: readonly SpeechRegion[], sampleRate: number, length: number): Span[] {
  return regions
    .map((region) => ({
      start: Math.max(0, Math.round(region.startSec * sampleRate)),
      end: Math.min(length, Math.round(region.endSec * sampleRate)),
    }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
}

/** Pads every span and joins those whose padded gap is no longer than `joinGap`. */
export function padAndJoin(spans: readonly Span[], padding: number, joinGap: number, length: number): Span[] {
  const joined: Span[] = [];
  for (const span of spans) {
    const padded = { start: Math.max(0, span.start - padding), end: Math.min(length, span.end + padding) };
    const previous = joined.at(-1);
    if (previous && padded.start - previous.end <= joinGap) previous.end = Math.max(previous.end, padded.end);
    else joined.push(padded);
  }
  return joined;
}

/**
 * The sample in [from, to) where the channel is quietest (lowest smoothed frame energy): the least
 * harmful place to cut a region too long for one window. Reads only that range.
 */
export async function quietestSample(
  pcm: PcmReader,
  channel: number,
  from: number,
  to: number,
): Promise<number> {
  const samples = await pcm.read(channel, from, to);
  const frame = Math.max(1, Math.round(QUIET_FRAME_SEC * pcm.sampleRate));
  const frameCount = Math.floor(samples.length / frame);
  if (frameCount === 0) return Math.floor((from + to) / 2);
  const energy = new Float64Array(frameCount);
  for (let f = 0; f < frameCount; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += (samples[i] as number) ** 2;
    energy[f] = sum;
  }
  let best = 0;
  let bestEnergy = Number.POSITIVE_INFINITY;
  const half = Math.floor(QUIET_SMOOTHING_FRAMES / 2);
  for (let f = 0; f < frameCount; f++) {
    let sum = 0;
    for (let k = Math.max(0, f - half); k <= Math.min(frameCount - 1, f + half); k++)
      sum += energy[k] as number;
    // Ties go to the later frame: the cut then leaves the longest first part.
    if (sum <= bestEnergy) {
      bestEnergy = sum;
      best = f;
    }
  }
  return from + best * frame + Math.floor(frame / 2);
}

/** Splits spans longer than `maxLength` at their quietest point in the second half of each window. */
async function splitLongSpans(
  spans: readonly Span[],
  maxLength: number,
  pcm: PcmReader,
  channel: number,
  signal: AbortSignal | undefined,
): Promise<Span[]> {
  const result: Span[] = [];
  for (const span of spans) {
    let start = span.start;
    while (span.end - start > maxLength) {
      throwIfAborted(signal);
      const cut = await quietestSample(pcm, channel, start + Math.floor(maxLength / 2), start + maxLength);
      result.push({ start, end: cut });
      start = cut;
    }
    result.push({ start, end: span.end });
  }
  return result;
}

function intersect(a: Span, b: Span): Span | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return end > start ? { start, end } : undefined;
}

/** The pieces of one channel, in time order, with its VAD speech (both in samples). */
export interface ChannelPlan {
  channel: number;
  pieces: Span[];
  speech: Span[];
}

/**
 * Takes pieces from the front of `queue` into one window, in time order, until the next one would
 * not fit in `maxLength` samples (a piece is never longer than that). Removes them from the queue.
 */
export function packNextWindow(
  queue: Span[],
  plan: Pick<ChannelPlan, 'channel' | 'speech'>,
  maxLength: number,
  gap: number,
  sampleRate: number,
): PlannedWindow {
  const window: PlannedWindow = { channel: plan.channel, pieces: [], length: 0, speech: [], speechSec: 0 };
  while (queue.length > 0) {
    const piece = queue[0] as Span;
    const pieceLength = piece.end - piece.start;
    const windowStart = window.pieces.length === 0 ? 0 : window.length + gap;
    if (window.pieces.length > 0 && windowStart + pieceLength > maxLength) break;
    queue.shift();
    window.pieces.push({ sourceStart: piece.start, sourceEnd: piece.end, windowStart });
    window.length = windowStart + pieceLength;
    for (const region of plan.speech) {
      if (region.start >= piece.end) break;
      const overlap = intersect(region, piece);
      if (!overlap) continue;
      const shift = windowStart - piece.start;
      window.speech.push({ start: overlap.start + shift, end: overlap.end + shift });
      window.speechSec += (overlap.end - overlap.start) / sampleRate;
    }
  }
  return window;
}

/**
 * Prepares the model calls for one recording: per channel, VAD speech regions are padded, joined
 * when close, and split when longer than a window. Only a region being split is read (its
 * candidate cut range); the samples themselves are read later, one window at a time.
 */
export async function planPieces(
  pcm: PcmReader,
  speech: readonly (readonly SpeechRegion[])[],
  options: WindowPackingOptions & { maxWindowSec: number; signal?: AbortSignal },
): Promise<ChannelPlan[]> {
  const rate = pcm.sampleRate;
  const maxLength = Math.floor(options.maxWindowSec * rate);
  const padding = Math.round(options.paddingSec * rate);
  const gap = Math.round(options.gapSec * rate);
  const plans: ChannelPlan[] = [];
  for (let channel = 0; channel < pcm.channelCount; channel++) {
    const regions = toSampleSpans(speech[channel] ?? [], rate, pcm.length);
    if (regions.length === 0) continue;
    const joined = padAndJoin(regions, padding, gap, pcm.length);
    plans.push({
      channel,
      pieces: await splitLongSpans(joined, maxLength, pcm, channel, options.signal),
      speech: regions,
    });
  }
  return plans;
}

/** All windows of a recording, packed greedily in time order (the plan when nothing is carried over). */
export async function planWindows(
  pcm: PcmReader,
  speech: readonly (readonly SpeechRegion[])[],
  options: WindowPackingOptions & { maxWindowSec: number; signal?: AbortSignal },
): Promise<PlannedWindow[]> {
  const maxLength = Math.floor(options.maxWindowSec * pcm.sampleRate);
  const gap = Math.round(options.gapSec * pcm.sampleRate);
  const windows: PlannedWindow[] = [];
  for (const plan of await planPieces(pcm, speech, options)) {
    const queue = [...plan.pieces];
    while (queue.length > 0) windows.push(packNextWindow(queue, plan, maxLength, gap, pcm.sampleRate));
  }
  return windows;
}

/** Copies a window's pieces into one buffer, gaps left silent (zeros). */
export async function assembleWindow(pcm: PcmReader, window: PlannedWindow): Promise<Float32Array> {
  const buffer = new Float32Array(window.length);
  for (const piece of window.pieces) {
    const samples = await pcm.read(window.channel, piece.sourceStart, piece.sourceEnd);
    buffer.set(samples.subarray(0, window.length - piece.windowStart), piece.windowStart);
  }
  return buffer;
}
