import { readFileSync } from 'node:fs';
import { mulberry32, readPcmWav } from '@echolens/core/testing';
import { AutoProcessor, type Tensor } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../core/test/helpers/data.js';
import { logMelFeatures, type WhisperFeatureExtractorLike } from '../src/log-mel.js';
import { locateWhisperModel } from '../src/model-location.js';

describe('logMelFeatures', () => {
  let processor: ((samples: Float32Array) => Promise<{ input_features: Tensor }>) & {
    feature_extractor: WhisperFeatureExtractorLike;
  };
  const full = async (samples: Float32Array) => (await processor(samples)).input_features;
  const jfk = readPcmWav(readFileSync(dataPath('asr', 'audio', 'jfk.wav'))).samples;

  beforeAll(async () => {
    const location = locateWhisperModel('whisper-tiny').location;
    if (location?.kind !== 'local') throw new Error('whisper-tiny is not in the models folder');
    processor = (await AutoProcessor.from_pretrained(location.directory, {
      local_files_only: true,
    })) as unknown as typeof processor;
  });

  it('gives the features of the audio padded to 30 s, for speech, gaps, noise and edge lengths', async () => {
    const random = mulberry32(7);
    const noise = () => (random() - 0.5) * 0.2;
    const withGap = new Float32Array(jfk.length + 8000);
    withGap.set(jfk.subarray(0, 40_000));
    withGap.set(jfk.subarray(40_000), 48_000);
    const inputs = [
      jfk,
      jfk.subarray(0, 1),
      jfk.subarray(0, 160 * 37 + 11),
      withGap,
      Float32Array.from({ length: 16_000 * 29.9 }, noise),
      Float32Array.from({ length: 16_000 * 30 }, noise),
      new Float32Array(16_000 * 3),
    ];
    for (const samples of inputs) {
      const fast = await logMelFeatures(processor.feature_extractor, samples, full);
      const reference = await full(samples);
      expect(fast.dims).toEqual(reference.dims);
      // The mel matrix product over fewer frames may round differently in the last bit (seen once in
      // 3000 × 80 values, on a 0.4 s input); nothing else differs.
      let largest = 0;
      const [a, b] = [fast.data as Float32Array, reference.data as Float32Array];
      for (let i = 0; i < a.length; i++)
        largest = Math.max(largest, Math.abs((a[i] as number) - (b[i] as number)));
      expect(largest).toBeLessThanOrEqual(2.4e-7);
    }
  });
});
