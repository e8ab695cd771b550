/**
 * @echolens/stt-whisper — Whisper speech-to-text on the CPU (Transformers.js + onnxruntime-node),
 * offline once the model is in the models folder.
 *
 * ```ts
 * import { createWhisper } from '@echolens/stt-whisper';
 * const whisper = createWhisper({ model: 'whisper-base', language: 'en' });
 * ```
 * @packageDocumentation
 */
export { createWhisper, type WhisperModel, type WhisperOptions } from './create-whisper.js';
export { canonicalModelName, DEFAULT_WHISPER_MODEL } from './model-location.js';
