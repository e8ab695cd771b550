import type {
  Diarization,
  Diarizer,
  DiarizerCallOptions,
  DiarizerInput,
  SpeakerSegment,
} from '@echolens/provider';
import { ConfigurationError, throwIfAborted } from '@echolens/provider';
import { agglomerate, cosine, cutDendrogram } from './clustering.js';
import { energySpeechMask, FRAME_SEC, spansToMask } from './frames.js';
import { fitGaussian, type Gaussian, logLikelihood } from './gaussian.js';
import { leastSpeakerSeconds, predictiveLogLikelihood } from './speaker-count.js';
import { bridgeShortPauses, speechSecondsBySpeaker } from './speaker-segments.js';
import {
  CEPSTRAL_DIMENSIONS,
  computeLogMel,
  normalisedCepstra,
  usableBandCount,
} from './spectral-features.js';

export interface SpectralDiarizerOptions {
  /** Default lower bound on speakers (per-call options override). Default 1. */
  minSpeakers?: number;
  /** Default upper bound on speakers (per-call options override). Default 6. */
  maxSpeakers?: number;
  /** Length of the speech windows that are embedded and clustered (default 1.5 s). */
  windowSec?: number;
  /**
   * Predictive held-out log-likelihood (nats per frame of all speech, see `predictiveLogLikelihood`) a
   * second speaker must add before it is believed (default 0.1); a third must add twice that, a fourth
   * three times. Averaged over all speech, so a voice must be both distinct and present: one holding
   * 5 % of the speech has to gain 2 nats on each of its own frames. Higher finds fewer speakers.
   */
  speakerGain?: number;
  /**
   * Least speech a speaker must hold to be believed (default two voice-print windows, 3 s): a voice
   * heard in one window only rests on one observation, and is as likely a cough, a laugh or a noise.
   */
  minSpeakerSec?: number;
  /**
   * Log-likelihood (nats) a speaker change must earn in the Viterbi re-segmentation (default 30): about
   * a quarter second of clearly different voice, so a cough or one odd vowel does not switch speakers.
   */
  switchPenalty?: number;
  /** Pauses shorter than this inside one speaker's speech are part of the turn (default 0.5 s). */
  bridgePauseSec?: number;
}

/** Frames farther apart than this (0.3 s) belong to different stretches of speech. */
const RUN_GAP_FRAMES = 30;
/** Most windows the dendrogram is built from; the rest join the nearest cluster (keeps long calls O(n²)). */
const MAX_CLUSTERED_WINDOWS = 400;
const RESEGMENTATION_PASSES = 2;

interface EmbeddingWindow {
  /** Row range [start, end) in the speech-frame sequence. */
  start: number;
  end: number;
  vector: Float64Array;
}

/** Splits the speech-frame sequence into runs without long gaps, then each run into overlapping windows. */
function windowsOver(speechFrames: Uint32Array, windowFrames: number): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  const minimum = Math.round(windowFrames / 3);
  const hop = Math.round(windowFrames / 2);
  let runStart = 0;
  for (let row = 1; row <= speechFrames.length; row++) {
    if (row < speechFrames.length && speechFrames[row]! - speechFrames[row - 1]! <= RUN_GAP_FRAMES) continue;
    const length = row - runStart;
    if (length >= minimum) {
      if (length <= windowFrames) windows.push({ start: runStart, end: row });
      else {
        let start = runStart;
        for (; start + windowFrames < row; start += hop) windows.push({ start, end: start + windowFrames });
        windows.push({ start: row - windowFrames, end: row });
      }
    }
    runStart = row;
  }
  return windows;
}

/** Mean and standard deviation of each cepstral coefficient over a window: a cheap voice print. */
function embed(cepstra: Float32Array, start: number, end: number): Float64Array {
  const d = CEPSTRAL_DIMENSIONS;
  const vector = new Float64Array(2 * d);
  const count = end - start;
  for (let row = start; row < end; row++)
    for (let c = 0; c < d; c++) {
      const value = cepstra[row * d + c]!;
      vector[c]! += value;
      vector[d + c]! += value * value;
    }
  for (let c = 0; c < d; c++) {
    const mean = vector[c]! / count;
    vector[c] = mean;
    vector[d + c] = Math.sqrt(Math.max(0, vector[d + c]! / count - mean * mean));
  }
  return vector;
}

/** Centres and scales every dimension across windows, so clustering sees what differs within this call. */
function standardise(vectors: Float64Array[]): void {
  const dimensions = vectors[0]?.length ?? 0;
  for (let c = 0; c < dimensions; c++) {
    let mean = 0;
    for (const vector of vectors) mean += vector[c]!;
    mean /= vectors.length;
    let variance = 0;
    for (const vector of vectors) variance += (vector[c]! - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / vectors.length + 1e-9);
    for (const vector of vectors) vector[c] = (vector[c]! - mean) * scale;
  }
}

/** Cluster labels of all windows for `clusters` clusters: dendrogram over a sample, nearest centroid for the rest. */
function labelWindows(
  windows: readonly EmbeddingWindow[],
  sampled: readonly number[],
  tree: ReturnType<typeof agglomerate>,
  clusters: number,
): Int32Array {
  const sampleLabels = cutDendrogram(tree, clusters);
  const labels = new Int32Array(windows.length).fill(-1);
  const dimensions = windows[0]!.vector.length;
  const centroids = Array.from({ length: clusters }, () => new Float64Array(dimensions));
  sampled.forEach((windowIndex, sampleIndex) => {
    const label = sampleLabels[sampleIndex]!;
    labels[windowIndex] = label;
    const vector = windows[windowIndex]!.vector;
    for (let c = 0; c < dimensions; c++) centroids[label]![c]! += vector[c]!;
  });
  windows.forEach((window, index) => {
    if (labels[index]! >= 0) return;
    let best = 0;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    centroids.forEach((centroid, label) => {
      const similarity = cosine(window.vector, centroid);
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = label;
      }
    });
    labels[index] = best;
  });
  return labels;
}

/** Speaker label per speech-frame row from window labels: the window whose centre is nearest (-1 if none covers it). */
function rowLabels(windows: readonly EmbeddingWindow[], windowLabels: Int32Array, rows: number): Int32Array {
  const labels = new Int32Array(rows).fill(-1);
  const distance = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
  windows.forEach((window, index) => {
    const centre = (window.start + window.end) / 2;
    for (let row = window.start; row < window.end; row++) {
      const away = Math.abs(row - centre);
      if (away < distance[row]!) {
        distance[row] = away;
        labels[row] = windowLabels[index]!;
      }
    }
  });
  return labels;
}

/**
 * Re-segmentation: one Gaussian per speaker, a frame-level Viterbi pass in which changing speaker costs
 * `switchPenalty` (less across a pause, where turns usually change), then the models are refitted.
 */
function resegment(
  cepstra: Float32Array,
  speechFrames: Uint32Array,
  initial: Int32Array,
  clusters: number,
  switchPenalty: number,
): Int32Array {
  let labels = initial;
  const rows = speechFrames.length;
  const scratch = new Float64Array(CEPSTRAL_DIMENSIONS);
  for (let pass = 0; pass < RESEGMENTATION_PASSES; pass++) {
    const models: (Gaussian | undefined)[] = Array.from({ length: clusters }, (_, label) => {
      const members: number[] = [];
      labels.forEach((value, row) => {
        if (value === label) members.push(row);
      });
      // A model needs a few times more frames than dimensions to be a voice and not a vowel.
      return members.length >= 5 * CEPSTRAL_DIMENSIONS
        ? fitGaussian(cepstra, CEPSTRAL_DIMENSIONS, members)
        : undefined;
    });
    const score = new Float64Array(clusters);
    const next = new Float64Array(clusters);
    const backPointers = new Int32Array(rows * clusters);
    for (let row = 0; row < rows; row++) {
      const pause = row > 0 && speechFrames[row]! - speechFrames[row - 1]! > RUN_GAP_FRAMES;
      const penalty = pause ? switchPenalty / 4 : switchPenalty;
      let bestPrevious = 0;
      for (let k = 1; k < clusters; k++) if (score[k]! > score[bestPrevious]!) bestPrevious = k;
      for (let k = 0; k < clusters; k++) {
        const model = models[k];
        const emission = model ? logLikelihood(model, cepstra, row, scratch) : Number.NEGATIVE_INFINITY;
        const stay = score[k]!;
        const move = score[bestPrevious]! - penalty;
        if (row === 0 || stay >= move) {
          next[k] = stay + emission;
          backPointers[row * clusters + k] = k;
        } else {
          next[k] = move + emission;
          backPointers[row * clusters + k] = bestPrevious;
        }
      }
      score.set(next);
    }
    const path = new Int32Array(rows);
    let state = 0;
    for (let k = 1; k < clusters; k++) if (score[k]! > score[state]!) state = k;
    for (let row = rows - 1; row >= 0; row--) {
      path[row] = state;
      state = backPointers[row * clusters + state]!;
    }
    labels = path;
  }
  return labels;
}

/**
 * Mono diarization with no model download: MFCC statistics over 1.5 s speech windows, average-linkage
 * clustering with the number of speakers chosen by predictive held-out likelihood and a least amount of
 * speech per speaker (within `minSpeakers`…`maxSpeakers`), then
 * Viterbi re-segmentation with per-speaker Gaussians so turn boundaries land on 10 ms frames.
 */
export function createSpectralDiarizer(options: SpectralDiarizerOptions = {}): Diarizer {
  const windowSec = options.windowSec ?? 1.5;
  const windowFrames = Math.round(windowSec / FRAME_SEC);
  const speakerGain = options.speakerGain ?? 0.1;
  const minSpeakerSec = options.minSpeakerSec ?? 2 * windowSec;
  const switchPenalty = options.switchPenalty ?? 30;
  return {
    specificationVersion: 'v1',
    provider: 'echolens',
    modelId: 'spectral',
    async diarize({ audio }: DiarizerInput, call: DiarizerCallOptions = {}): Promise<Diarization> {
      const minSpeakers = call.minSpeakers ?? options.minSpeakers ?? 1;
      const maxSpeakers = call.maxSpeakers ?? options.maxSpeakers ?? 6;
      if (minSpeakers < 1 || maxSpeakers < minSpeakers)
        throw new ConfigurationError(
          `speaker bounds must satisfy 1 ≤ minSpeakers ≤ maxSpeakers (got ${minSpeakers}…${maxSpeakers})`,
          { file: audio.source?.name },
        );
      const features = await computeLogMel(audio.pcm, 'mix', {
        signal: call.signal,
        onProgress: (fraction) => call.onProgress?.(0.7 * fraction),
      });
      const speechMask =
        audio.speech.length > 0
          ? audio.speech.reduce((mask, regions) => {
              const channelMask = spansToMask(regions, features.frameCount);
              for (let i = 0; i < mask.length; i++) mask[i]! |= channelMask[i]!;
              return mask;
            }, new Uint8Array(features.frameCount))
          : energySpeechMask(features.logEnergy.map((value) => (10 / Math.LN10) * value));
      const speechFrames = Uint32Array.from(
        speechMask.reduce<number[]>((frames, value, frame) => {
          if (value) frames.push(frame);
          return frames;
        }, []),
      );
      const empty: Diarization = {
        durationSec: audio.durationSec,
        speakers: [],
        segments: [],
        method: 'echolens/spectral',
      };
      if (speechFrames.length === 0) return empty;

      const cepstra = normalisedCepstra(features, speechFrames, usableBandCount(features, speechFrames));
      const windows: EmbeddingWindow[] = windowsOver(speechFrames, windowFrames).map((window) => ({
        ...window,
        vector: embed(cepstra, window.start, window.end),
      }));
      throwIfAborted(call.signal, audio.source?.name);

      let labels: Int32Array = new Int32Array(speechFrames.length);
      if (windows.length >= 2 && maxSpeakers > 1) {
        standardise(windows.map((window) => window.vector));
        const step = Math.max(1, windows.length / MAX_CLUSTERED_WINDOWS);
        const sampled: number[] = [];
        for (let position = 0; Math.round(position) < windows.length; position += step)
          sampled.push(Math.round(position));
        const tree = agglomerate(sampled.map((index) => windows[index]!.vector));
        let previousScore = Number.NEGATIVE_INFINITY;
        const largest = Math.min(maxSpeakers, sampled.length);
        for (let candidate = Math.min(minSpeakers, largest); candidate <= largest; candidate++) {
          throwIfAborted(call.signal, audio.source?.name);
          // One speaker is all the speech, including short runs no window covers.
          const candidateLabels =
            candidate === 1
              ? new Int32Array(speechFrames.length)
              : resegment(
                  cepstra,
                  speechFrames,
                  rowLabels(windows, labelWindows(windows, sampled, tree, candidate), speechFrames.length),
                  candidate,
                  switchPenalty,
                );
          const score = predictiveLogLikelihood(cepstra, CEPSTRAL_DIMENSIONS, candidateLabels, candidate);
          const gain = score - previousScore;
          const leastSec = leastSpeakerSeconds(candidateLabels, candidate);
          call.logger?.debug(
            { speakers: candidate, predictiveLogLikelihood: score, gain, leastSpeakerSec: leastSec },
            'speaker count candidate',
          );
          // Each further voice must earn more than the one before: calls with a third or fourth
          // speaker (transfers, conferences) are much rarer than calls with two.
          const believed = gain >= speakerGain * (candidate - 1) && leastSec >= minSpeakerSec;
          if (candidate > minSpeakers && !believed) break;
          previousScore = score;
          labels = candidateLabels;
          call.onProgress?.(0.7 + (0.3 * candidate) / largest);
        }
        call.onProgress?.(0.85);
      }

      // Renumber speakers by first appearance so spk_0 is whoever speaks first.
      const order = new Map<number, number>();
      for (const label of labels) if (label >= 0 && !order.has(label)) order.set(label, order.size);
      const frameSegments: SpeakerSegment[] = [];
      let start = 0;
      for (let row = 1; row <= speechFrames.length; row++) {
        const continues =
          row < speechFrames.length &&
          labels[row] === labels[start] &&
          speechFrames[row]! === speechFrames[row - 1]! + 1;
        if (continues) continue;
        const speaker = order.get(labels[start]!);
        if (speaker !== undefined)
          frameSegments.push({
            startSec: speechFrames[start]! * FRAME_SEC,
            endSec: (speechFrames[row - 1]! + 1) * FRAME_SEC,
            speaker: `spk_${speaker}`,
          });
        start = row;
      }
      const segments = bridgeShortPauses(frameSegments, options.bridgePauseSec ?? 0.5);
      const seconds = speechSecondsBySpeaker(segments);
      call.onProgress?.(1);
      return {
        ...empty,
        speakers: [...order.values()].map((index) => ({
          id: `spk_${index}`,
          speechSec: seconds.get(`spk_${index}`) ?? 0,
        })),
        segments,
      };
    },
  };
}
