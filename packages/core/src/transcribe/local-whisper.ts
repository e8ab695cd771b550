import type { SpeechToTextModel } from '@echolens/provider';
import { MissingDependencyError } from '@echolens/provider';

export interface LocalWhisperOptions {
  /**
   * Transformers.js Whisper id or a local path; default `Xenova/whisper-base` (`DEFAULT_WHISPER_MODEL`
   * of `@echolens/stt-whisper`); `Xenova/whisper-tiny` is the fast option.
   */
  model?: string;
  /** ONNX weight type, e.g. `q8` (default), `fp32`. */
  dtype?: string;
  /** Folder of local models; turns remote downloads off. Defaults to `ECHOLENS_MODELS_DIR`. */
  modelsDir?: string;
}

interface WhisperPackage {
  createWhisper(options: LocalWhisperOptions): SpeechToTextModel;
}

// Held in a variable so bundlers leave the import alone: core must not depend on an adapter package.
const WHISPER_PACKAGE = '@echolens/stt-whisper';

/**
 * The zero-configuration speech-to-text model: local Whisper from `@echolens/stt-whisper`, loaded on
 * first use. Core never imports an adapter package statically; this is the one place it looks for one.
 */
export async function loadLocalWhisper(options: LocalWhisperOptions = {}): Promise<SpeechToTextModel> {
  let whisperPackage: WhisperPackage;
  try {
    whisperPackage = (await import(WHISPER_PACKAGE)) as WhisperPackage;
  } catch (error) {
    throw new MissingDependencyError(
      WHISPER_PACKAGE,
      `Local transcription needs ${WHISPER_PACKAGE}. Install it (npm install ${WHISPER_PACKAGE}) or pass a speechToText model to createPipeline().`,
      { cause: error },
    );
  }
  return whisperPackage.createWhisper(options);
}
