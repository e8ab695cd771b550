import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError, silentLogger } from '@echolens/provider';
import { afterAll, describe, expect, it } from 'vitest';
import type { PreparedAudio } from '../../src/audio/types.js';
import { createDiarizeStage } from '../../src/diarize/diarize-stage.js';
import { createOnnxDiarizer, decodePowerset, kaldiFilterbank } from '../../src/diarize/onnx-diarizer.js';
import type { StageContext } from '../../src/stages/stages.js';
import { diarizerAudio } from './audio-fixture.js';

// No segmentation/embedding ONNX weights are obtainable offline here (no npm package ships them), so
// these tests cover the loader's failures, the decoding and the features; not accuracy.
const scratch = mkdtempSync(join(tmpdir(), 'echolens-onnx-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('ONNX diarizer', () => {
  const audio = diarizerAudio([new Float32Array(16_000)], 'call.wav');

  it('names the missing model file', async () => {
    const diarizer = createOnnxDiarizer({
      segmentationModelPath: join(scratch, 'segmentation-3.0.onnx'),
      embeddingModelPath: join(scratch, 'wespeaker.onnx'),
    });
    const failure = await diarizer.diarize({ audio }).catch((error: unknown) => error);
    expect(ModelLoadError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toContain('segmentation-3.0.onnx');
  });

  it('reports a file that is not an ONNX model, through onnxruntime', async () => {
    const bogus = join(scratch, 'bogus.onnx');
    writeFileSync(bogus, 'not a model');
    const diarizer = createOnnxDiarizer({ segmentationModelPath: bogus, embeddingModelPath: bogus });
    await expect(diarizer.diarize({ audio })).rejects.toSatisfy(
      (error: unknown) => ModelLoadError.isInstance(error) && (error as Error).message.includes(bogus),
    );
  });

  it('decodes powerset classes into local speaker activity (overlap classes switch on two)', () => {
    // Frames: silence, speaker 0, speakers 1+2.
    const scores = Float32Array.from([9, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
    expect(decodePowerset(scores, 3).map((activity) => [...activity])).toEqual([
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
  });

  it('computes mean-normalised 80-bin filterbanks at 100 frames per second', () => {
    const tone = Float32Array.from(
      { length: 16_000 },
      (_, i) => 0.1 * Math.sin((2 * Math.PI * 440 * i) / 16_000),
    );
    const { features, frames } = kaldiFilterbank(tone);
    expect(frames).toBe(98);
    expect(features).toHaveLength(98 * 80);
    const firstBandMean =
      Array.from({ length: frames }, (_, frame) => features[frame * 80]!).reduce((a, b) => a + b) / frames;
    expect(Math.abs(firstBandMean)).toBeLessThan(1e-4);
  });

  it('a failing diarizer degrades the pipeline stage to one speaker per channel instead of failing the call', async () => {
    const degraded: string[] = [];
    const context: StageContext = {
      callId: 'c1',
      name: 'call.wav',
      metadata: { channelRoles: { '0': 'agent' } },
      signal: undefined,
      logger: silentLogger,
      cache: undefined,
      progress: () => {},
      degrade: (field, reason) => degraded.push(`${field}: ${reason}`),
      provenance: {
        usage: { llmRequests: 0, inputTokens: 0, outputTokens: 0, estimatedCostUsd: 0, hostedAudioSec: 0 },
      },
    };
    const stage = createDiarizeStage({
      diarizer: createOnnxDiarizer({
        segmentationModelPath: join(scratch, 'missing.onnx'),
        embeddingModelPath: join(scratch, 'missing.onnx'),
      }),
    });
    const conversation = await stage(
      {
        audio: audio as unknown as PreparedAudio,
        transcript: {
          language: 'en',
          durationSec: 1,
          segments: [{ id: 's', startSec: 0, endSec: 1, text: 'hello' }],
        },
      },
      context,
    );
    expect(conversation.turns).toHaveLength(1);
    expect(degraded[0]).toMatch(/conversation\.speakers: diarizer onnx\/.* failed: .*missing\.onnx/);
    expect(context.provenance.diarizer).toBe('channel-fallback');
  });
});
