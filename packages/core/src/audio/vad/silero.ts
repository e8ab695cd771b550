import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError, resolveModelsDir, throwIfAborted } from '@echolens/provider';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

export const SILERO_MODEL_ID = 'snakers4/silero-vad';
/** Silero v5/v6 at 16 kHz: 512 new samples per step, plus 64 samples of context from the step before. */
export const SILERO_WINDOW_SAMPLES = 512;
const SILERO_CONTEXT_SAMPLES = 64;
const SILERO_STATE_SIZE = 2 * 1 * 128;

/** Where the Silero model is expected: `<models dir>/snakers4/silero-vad/silero_vad.onnx`. */
export function sileroModelPath(modelsDir?: string): string {
  return join(resolveModelsDir(modelsDir).dir, 'snakers4', 'silero-vad', 'silero_vad.onnx');
}

export function sileroModelExists(modelsDir?: string): boolean {
  return existsSync(sileroModelPath(modelsDir));
}

type OnnxRuntime = typeof import('onnxruntime-node');

interface LoadedSilero {
  runtime: OnnxRuntime;
  session: InferenceSession;
}

/** One session per model file per process: creating one costs far more than running a window. */
const sessions = new Map<string, Promise<LoadedSilero>>();

export function loadSilero(modelPath: string): Promise<LoadedSilero> {
  let loading = sessions.get(modelPath);
  if (!loading) {
    loading = (async () => {
      if (!existsSync(modelPath)) {
        throw new ModelLoadError(SILERO_MODEL_ID, `Silero VAD model not found at ${modelPath}`, {
          file: modelPath,
        });
      }
      try {
        const runtime = await import('onnxruntime-node');
        // The model is tiny: one thread per session avoids fighting the recogniser for cores.
        const session = await runtime.InferenceSession.create(modelPath, {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
        });
        return { runtime, session };
      } catch (error) {
        throw new ModelLoadError(
          SILERO_MODEL_ID,
          `could not load Silero VAD from ${modelPath}: ${(error as Error).message}`,
          { file: modelPath, cause: error },
        );
      }
    })();
    sessions.set(modelPath, loading);
    // A failed load is not cached: the user may fix the file and try again.
    loading.catch(() => sessions.delete(modelPath));
  }
  return loading;
}

/**
 * Speech probability for every 512-sample window of a 16 kHz stream, carrying the model's recurrent
 * state and 64-sample context across windows; the last partial window is zero-padded as Silero does.
 */
export async function* sileroProbabilities(
  loaded: LoadedSilero,
  chunks: AsyncIterable<Float32Array>,
  signal?: AbortSignal,
): AsyncGenerator<number> {
  const { runtime, session } = loaded;
  const sampleRate = new runtime.Tensor('int64', BigInt64Array.from([16_000n]), []);
  let state: Tensor = new runtime.Tensor('float32', new Float32Array(SILERO_STATE_SIZE), [2, 1, 128]);
  let input = new Float32Array(SILERO_CONTEXT_SAMPLES + SILERO_WINDOW_SAMPLES);
  let filled = SILERO_CONTEXT_SAMPLES;

  const runWindow = async (): Promise<number> => {
    const result = await session.run({
      input: new runtime.Tensor('float32', input, [1, input.length]),
      state,
      sr: sampleRate,
    });
    state = result.stateN!;
    const probability = (result.output!.data as Float32Array)[0]!;
    const next = new Float32Array(input.length);
    next.set(input.subarray(input.length - SILERO_CONTEXT_SAMPLES));
    input = next;
    filled = SILERO_CONTEXT_SAMPLES;
    return probability;
  };

  for await (const chunk of chunks) {
    throwIfAborted(signal);
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(chunk.length - offset, input.length - filled);
      input.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === input.length) yield await runWindow();
    }
  }
  if (filled > SILERO_CONTEXT_SAMPLES) {
    input.fill(0, filled);
    yield await runWindow();
  }
}
