import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  Diarization,
  Diarizer,
  DiarizerCallOptions,
  DiarizerInput,
  SpeakerSegment,
} from '@echolens/provider';
import { ModelLoadError, throwIfAborted } from '@echolens/provider';
import type { InferenceSession } from 'onnxruntime-node';
import { agglomerate, cutDendrogram } from './clustering.js';
import { bridgeShortPauses, speechSecondsBySpeaker } from './speaker-segments.js';
import { createFft, melFilterbank } from './spectral-features.js';

export interface OnnxDiarizerOptions {
  /**
   * Local segmentation model in the pyannote `segmentation-3.0` layout: input float32 `[batch, 1, samples]`
   * (10 s at 16 kHz), output `[batch, frames, 7]` powerset scores over three local speakers.
   */
  segmentationModelPath: string;
  /**
   * Local speaker-embedding model in the WeSpeaker layout (ResNet34, CAM++ …): input float32
   * `[batch, frames, 80]` Kaldi-style log mel filterbanks (25 ms / 10 ms), output `[batch, dimensions]`.
   */
  embeddingModelPath: string;
  /** Segmentation window (default 10 s, what segmentation-3.0 was trained on) and step (default 5 s). */
  windowSec?: number;
  stepSec?: number;
  /** Cosine similarity above which two local speakers are the same person (default 0.5). */
  clusteringThreshold?: number;
  /** Pauses shorter than this inside one speaker's speech are part of the turn (default 0.5 s). */
  bridgePauseSec?: number;
  /** Threads per ONNX session (default 1: the machine is shared with the recogniser). */
  threads?: number;
}

const SAMPLE_RATE = 16_000;
/** Powerset classes of segmentation-3.0: which of the three local speakers each class switches on. */
const POWERSET: readonly (readonly number[])[] = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2]];
const LOCAL_SPEAKERS = 3;
/** Less clean speech than this (seconds) gives an unreliable voice print; such local speakers are skipped. */
const MIN_EMBEDDING_SEC = 0.5;

/** Local speaker activity per frame from powerset scores `[frames, 7]` (argmax class per frame). */
export function decodePowerset(scores: Float32Array, frames: number): Uint8Array[] {
  const classes = POWERSET.length;
  const activity = Array.from({ length: LOCAL_SPEAKERS }, () => new Uint8Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (scores[frame * classes + c]! > scores[frame * classes + best]!) best = c;
    for (const speaker of POWERSET[best]!) activity[speaker]![frame] = 1;
  }
  return activity;
}

/**
 * Kaldi-compatible log mel filterbank (80 bins, 25 ms Povey window, 10 ms shift, pre-emphasis 0.97,
 * 16-bit sample scale), mean-normalised over time, as WeSpeaker models expect. Returns `[frames × 80]`.
 */
export function kaldiFilterbank(
  samples: Float32Array,
  bins = 80,
): { features: Float32Array; frames: number } {
  const length = 400;
  const shift = 160;
  const fftSize = 512;
  const frames = samples.length < length ? 0 : 1 + Math.floor((samples.length - length) / shift);
  const features = new Float32Array(frames * bins);
  const fft = createFft(fftSize);
  const filters = melFilterbank(20, SAMPLE_RATE / 2, bins);
  const window = Float64Array.from(
    { length },
    (_, i) => (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (length - 1))) ** 0.85,
  );
  const real = new Float64Array(fftSize);
  const imaginary = new Float64Array(fftSize);
  for (let frame = 0; frame < frames; frame++) {
    const offset = frame * shift;
    let mean = 0;
    for (let i = 0; i < length; i++) mean += samples[offset + i]! * 32768;
    mean /= length;
    real.fill(0);
    imaginary.fill(0);
    for (let i = length - 1; i >= 0; i--) {
      const current = samples[offset + i]! * 32768 - mean;
      const previous = (i > 0 ? samples[offset + i - 1]! * 32768 : samples[offset]! * 32768) - mean;
      real[i] = (current - 0.97 * previous) * window[i]!;
    }
    fft(real, imaginary);
    filters.forEach((filter, band) => {
      let sum = 0;
      for (let k = 0; k < filter.weights.length; k++) {
        const bin = filter.first + k;
        sum += filter.weights[k]! * (real[bin]! ** 2 + imaginary[bin]! ** 2);
      }
      features[frame * bins + band] = Math.log(Math.max(sum, Number.EPSILON));
    });
  }
  for (let band = 0; band < bins; band++) {
    let mean = 0;
    for (let frame = 0; frame < frames; frame++) mean += features[frame * bins + band]!;
    mean /= Math.max(1, frames);
    for (let frame = 0; frame < frames; frame++) features[frame * bins + band]! -= mean;
  }
  return { features, frames };
}

async function loadSession(path: string, threads: number): Promise<InferenceSession> {
  if (!existsSync(path))
    throw new ModelLoadError(basename(path), `diarization model not found at ${path}`, { file: path });
  try {
    const runtime = await import('onnxruntime-node');
    return await runtime.InferenceSession.create(path, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  } catch (error) {
    throw new ModelLoadError(
      basename(path),
      `could not load ONNX model ${path}: ${(error as Error).message}`,
      {
        file: path,
        cause: error,
      },
    );
  }
}

interface LocalSpeaker {
  window: number;
  activity: Uint8Array;
  embedding: Float64Array;
}

/**
 * A neural diarizer from two local ONNX files (no download): pyannote-style segmentation over sliding
 * windows finds up to three local speakers per window, a WeSpeaker-style model embeds each one's clean
 * speech, and agglomerative clustering links them across the call. Sessions load on first use.
 */
export function createOnnxDiarizer(options: OnnxDiarizerOptions): Diarizer {
  const windowSec = options.windowSec ?? 10;
  const stepSec = options.stepSec ?? 5;
  const threshold = options.clusteringThreshold ?? 0.5;
  const threads = options.threads ?? 1;
  let sessions: Promise<[InferenceSession, InferenceSession]> | undefined;
  const load = () => {
    sessions ??= Promise.all([
      loadSession(options.segmentationModelPath, threads),
      loadSession(options.embeddingModelPath, threads),
    ]);
    sessions.catch(() => {
      sessions = undefined;
    });
    return sessions;
  };

  return {
    specificationVersion: 'v1',
    provider: 'onnx',
    modelId: `${basename(options.segmentationModelPath)}+${basename(options.embeddingModelPath)}`,
    async diarize({ audio }: DiarizerInput, call: DiarizerCallOptions = {}): Promise<Diarization> {
      const [segmentation, embedding] = await load();
      const runtime = await import('onnxruntime-node');
      const windowSamples = Math.round(windowSec * SAMPLE_RATE);
      const stepSamples = Math.round(stepSec * SAMPLE_RATE);
      const total = audio.pcm.length;
      const starts: number[] = [];
      for (let start = 0; start === 0 || start + windowSamples - stepSamples < total; start += stepSamples)
        starts.push(start);

      const locals: LocalSpeaker[] = [];
      let framesPerWindow = 0;
      for (const [index, start] of starts.entries()) {
        throwIfAborted(call.signal, audio.source?.name);
        const chunk = new Float32Array(windowSamples);
        const channels = audio.pcm.channelCount;
        for (let channel = 0; channel < channels; channel++) {
          const samples = await audio.pcm.read(channel, start, start + windowSamples);
          for (let i = 0; i < samples.length; i++) chunk[i]! += samples[i]! / channels;
        }
        const input = new runtime.Tensor('float32', chunk, [1, 1, windowSamples]);
        const output = await segmentation.run({ [segmentation.inputNames[0]!]: input });
        const scores = output[segmentation.outputNames[0]!]!;
        framesPerWindow = Number(scores.dims[1]);
        const activity = decodePowerset(scores.data as Float32Array, framesPerWindow);
        const samplesPerFrame = windowSamples / framesPerWindow;
        for (const speakerActivity of activity) {
          // Clean speech only: frames where this local speaker talks alone.
          const clean: number[] = [];
          speakerActivity.forEach((active, frame) => {
            if (active && activity.every((other) => other === speakerActivity || !other[frame]))
              clean.push(frame);
          });
          if (clean.length * samplesPerFrame < MIN_EMBEDDING_SEC * SAMPLE_RATE) continue;
          const speech = new Float32Array(Math.round(clean.length * samplesPerFrame));
          clean.forEach((frame, position) => {
            const from = Math.round(frame * samplesPerFrame);
            speech.set(
              chunk.subarray(from, from + Math.round(samplesPerFrame)),
              Math.round(position * samplesPerFrame),
            );
          });
          const { features, frames } = kaldiFilterbank(speech);
          if (frames === 0) continue;
          const embedded = await embedding.run({
            [embedding.inputNames[0]!]: new runtime.Tensor('float32', features, [1, frames, 80]),
          });
          locals.push({
            window: index,
            activity: speakerActivity,
            embedding: Float64Array.from(embedded[embedding.outputNames[0]!]!.data as Float32Array),
          });
        }
        call.onProgress?.((0.9 * (index + 1)) / starts.length);
      }
      const empty: Diarization = {
        durationSec: audio.durationSec,
        speakers: [],
        segments: [],
        method: 'onnx',
      };
      if (locals.length === 0) return empty;

      // Cut the dendrogram where linking would join voices less similar than the threshold.
      const tree = agglomerate(locals.map((local) => local.embedding));
      let clusters = 1 + tree.merges.filter((merge) => merge.similarity < threshold).length;
      clusters = Math.min(
        Math.max(clusters, call.minSpeakers ?? 1),
        call.maxSpeakers ?? clusters,
        locals.length,
      );
      const labels = cutDendrogram(tree, clusters);

      // Global activity: average the votes of overlapping windows per output frame.
      const frameSec = windowSec / framesPerWindow;
      const globalFrames = Math.ceil(audio.durationSec / frameSec);
      const votes = Array.from({ length: clusters }, () => new Float32Array(globalFrames));
      const coverage = new Float32Array(globalFrames);
      for (const start of starts) {
        const first = Math.round(start / SAMPLE_RATE / frameSec);
        for (let frame = 0; frame < framesPerWindow && first + frame < globalFrames; frame++)
          coverage[first + frame]!++;
      }
      locals.forEach((local, index) => {
        const first = Math.round(starts[local.window]! / SAMPLE_RATE / frameSec);
        for (let frame = 0; frame < framesPerWindow && first + frame < globalFrames; frame++)
          votes[labels[index]!]![first + frame]! += local.activity[frame]!;
      });
      const frameSegments: SpeakerSegment[] = [];
      votes.forEach((speakerVotes, speaker) => {
        let open = -1;
        for (let frame = 0; frame <= globalFrames; frame++) {
          const active = frame < globalFrames && speakerVotes[frame]! / Math.max(1, coverage[frame]!) >= 0.5;
          if (active && open < 0) open = frame;
          if (!active && open >= 0) {
            frameSegments.push({
              startSec: open * frameSec,
              endSec: frame * frameSec,
              speaker: `spk_${speaker}`,
            });
            open = -1;
          }
        }
      });
      const segments = bridgeShortPauses(frameSegments, options.bridgePauseSec ?? 0.5);
      const seconds = speechSecondsBySpeaker(segments);
      call.onProgress?.(1);
      return {
        ...empty,
        method: `onnx/${basename(options.segmentationModelPath)}`,
        speakers: [...seconds.keys()].sort().map((id) => ({ id, speechSec: seconds.get(id) ?? 0 })),
        segments,
      };
    },
    async dispose() {
      const loaded = await sessions?.catch(() => undefined);
      await Promise.all((loaded ?? []).map((session) => session.release()));
      sessions = undefined;
    },
  };
}
