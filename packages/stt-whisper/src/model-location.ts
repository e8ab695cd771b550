import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { resolveModelsDir } from '@echolens/provider';

/**
 * The one place the default model is defined (`createWhisper`, `createPipeline` and `echolens analyze`
 * all use it). Base, not tiny: on 8 kHz telephone calls tiny's transcripts are not usable (see
 * docs/decisions/0007-default-model-whisper-base.md and bench/RESULTS.md); `Xenova/whisper-tiny` is the
 * documented fast option.
 */
export const DEFAULT_WHISPER_MODEL = 'Xenova/whisper-base';

/**
 * Where one Whisper model is loaded from. Transformers.js treats a string that is not a Hugging Face
 * id as a directory, so a local folder is passed as an absolute path and needs no global `env` change.
 */
export type WhisperModelLocation =
  | {
      kind: 'local';
      /** Canonical name reported as `modelId` (the hub id, or the path the user gave). */
      modelId: string;
      directory: string;
    }
  | {
      kind: 'hub';
      modelId: string;
      /** Downloads are stored here in the same `<owner>/<name>/…` layout, so the next run finds them locally. */
      cacheDirectory: string;
    };

export interface ModelLookup {
  location: WhisperModelLocation | undefined;
  /** Folders that were searched, for error messages. */
  searched: string[];
  /** True when only local files may be used (an explicit models folder or a path). */
  localOnly: boolean;
}

/** `whisper-base` is shorthand for `Xenova/whisper-base`, the ONNX exports Transformers.js publishes. */
export function canonicalModelName(model: string): string {
  return /^whisper-[\w.-]+$/.test(model) ? `Xenova/${model}` : model;
}

function looksLikePath(model: string): boolean {
  return isAbsolute(model) || model.startsWith('./') || model.startsWith('../') || model.startsWith('~');
}

const hasConfig = (directory: string) => existsSync(join(directory, 'config.json'));

/**
 * Decides where to load `model` from:
 * - a path → that folder, local only;
 * - an explicit models folder (option or `ECHOLENS_MODELS_DIR`) → `<folder>/<id>`, local only;
 * - otherwise the default models folder when the model is already there, else the Hugging Face hub
 *   with downloads cached in that folder.
 */
export function locateWhisperModel(model: string, modelsDirOption: string | undefined): ModelLookup {
  if (looksLikePath(model)) {
    const directory = resolve(model);
    return {
      location: hasConfig(directory) ? { kind: 'local', modelId: model, directory } : undefined,
      searched: [directory],
      localOnly: true,
    };
  }
  const modelId = canonicalModelName(model);
  const { dir, explicit } = resolveModelsDir(modelsDirOption);
  const directory = join(dir, modelId);
  if (hasConfig(directory)) {
    return { location: { kind: 'local', modelId, directory }, searched: [directory], localOnly: explicit };
  }
  if (explicit) return { location: undefined, searched: [directory], localOnly: true };
  return { location: { kind: 'hub', modelId, cacheDirectory: dir }, searched: [directory], localOnly: false };
}
