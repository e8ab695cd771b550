export type { PcmBlock } from './decoders/types.js';
export { type ChannelDenoising, denoise, loadDenoiser } from './denoise.js';
export {
  DETECTION_HEAD_BYTES,
  type DecoderRoute,
  type DetectedFormat,
  type DetectionContext,
  detectAudioFormat,
  type NeedMoreBytes,
} from './format-detection.js';
export { audioInputBaseName, audioInputName } from './input-source.js';
export {
  type LoudnessMeasurement,
  LoudnessMeter,
  NORMALISATION_RULE,
  normalisationGainDb,
} from './loudness.js';
export { IN_MEMORY_LIMIT_SECONDS, PCM_SAMPLE_RATE } from './pcm-store.js';
export { type PrepareAudioOptions, prepareAudio } from './prepare.js';
export { createResampler, resample, type StreamingResampler } from './resampler.js';
export type * from './types.js';
export {
  createSpeechDetector,
  type DetectSpeechOptions,
  detectSpeech,
  type SpeechDetection,
  type SpeechDetector,
  type VadMethod,
} from './vad/detect-speech.js';
export { SILERO_MODEL_ID, sileroModelPath } from './vad/silero.js';
export {
  DEFAULT_SPEECH_REGION_SETTINGS,
  type SpeechRegionSettings,
  SpeechRegionTracker,
} from './vad/speech-regions.js';
