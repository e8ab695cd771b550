import type { ModelReference } from './language-model.js';

/**
 * The contract every speech-to-text backend implements (local Whisper, hosted APIs, plugins).
 * Core packs speech into windows no longer than `maxWindowSec`, calls `transcribe` once per window,
 * maps the times back onto the call's timeline and filters hallucinations; adapters only translate.
 */
export interface SpeechToTextModel {
  readonly specificationVersion: 'v1';
  /** e.g. `whisper-local`, `openai`, `groq`. */
  readonly provider: string;
  /** e.g. `Xenova/whisper-tiny`, `whisper-1`. */
  readonly modelId: string;
  /**
   * The longest audio one call accepts. Whisper-style models pay for a full 30 s window however short
   * the audio, so they say 30; hosted APIs can take minutes per request.
   */
  readonly maxWindowSec: number;
  /**
   * Whatever else changes the output for the same audio and modelId (weight precision, decoder
   * version); part of the transcript cache key, so a different setting never reuses a stale transcript.
   */
  readonly cacheKey?: string;
  transcribe(audio: SpeechToTextAudio, options?: SpeechToTextCallOptions): Promise<SpeechToTextResult>;
  /**
   * Checks before a batch starts that transcription can run: a local model is found and loads, a hosted
   * API has credentials (and, when it can be asked for free, is reachable). Throws what `transcribe`
   * would (`ModelLoadError`, `ConfigurationError`, `APICallError`). Optional.
   */
  preflight?(options?: { signal?: AbortSignal }): Promise<void>;
  /** Releases loaded models or connections. */
  dispose?(): Promise<void>;
}

export interface SpeechToTextAudio {
  /** Mono float PCM in [-1, 1]. */
  samples: Float32Array;
  sampleRate: 16_000;
}

export interface SpeechToTextCallOptions {
  /** ISO 639-1 code; detected by the model when absent. */
  language?: string;
  /** Vocabulary hint (product names, jargon) for models that accept one. */
  prompt?: string;
  /** Ask for word timings when the model can give them. */
  wordTimestamps?: boolean;
  signal?: AbortSignal;
}

export interface SpeechToTextWord {
  startSec: number;
  endSec: number;
  text: string;
  confidence?: number;
}

export interface SpeechToTextSegment {
  /** Relative to the start of the audio passed in. */
  startSec: number;
  endSec: number;
  text: string;
  words?: SpeechToTextWord[];
  /** Mean log-probability of the segment's tokens (Whisper's `avg_logprob`), when known. */
  averageLogProbability?: number;
  /** Probability that the window holds no speech, when the model reports it. */
  noSpeechProbability?: number;
  /**
   * Sampling temperature of the decode that gave the segment, when known: 0 for Whisper's greedy
   * decode, above 0 when its fallback re-decoded a window whose greedy text failed its checks.
   */
  temperature?: number;
}

export interface SpeechToTextResult {
  /** Detected or forced language (ISO 639-1). */
  language?: string;
  segments: SpeechToTextSegment[];
  /** Seconds of audio billed by a hosted API (0 for local models). */
  billedAudioSec?: number;
  raw?: unknown;
  /** The model that produced this result when it is not the one asked (set by wrappers such as `withFallback`). */
  answeredBy?: ModelReference;
}
