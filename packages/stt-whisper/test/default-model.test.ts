import { createPipeline, type Pipeline } from '@echolens/core';
import { createWhisper, DEFAULT_WHISPER_MODEL } from '@echolens/stt-whisper';
import { afterAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '../../../bench/stt/word-error-rate.mjs';
import { readManifest } from '../../core/test/helpers/data.js';

// The only test that loads the default model; every other test pins whisper-tiny to stay fast.
describe('the default model', () => {
  let pipeline: Pipeline | undefined;
  afterAll(() => pipeline?.dispose());

  it('is whisper-base, for createWhisper and createPipeline alike', async () => {
    expect(DEFAULT_WHISPER_MODEL).toBe('Xenova/whisper-base');
    expect(createWhisper().modelId).toBe('Xenova/whisper-base');
    pipeline = createPipeline({ cache: false, language: 'en' });
    expect((await pipeline.getSpeechToText()).modelId).toBe('Xenova/whisper-base');
  });

  it('transcribes 8 kHz µ-law telephone audio into usable text', async () => {
    const row = readManifest<{ audio: string; text: string }>('formats', 'manifest.jsonl').find((entry) =>
      entry.audio.endsWith('jfk-transcoded-8k-mulaw.wav'),
    )!;
    pipeline ??= createPipeline({ cache: false, language: 'en' });
    const { transcript, audio } = await pipeline.transcribe(row.audio);
    expect(audio.source.sampleRate).toBe(8000);
    const text = transcript.segments.map((segment) => segment.text).join(' ');
    const { errors, words } = wordErrorRate(row.text, text);
    // Measured: 2 errors in 22 words ("America asked not" for "Americans, ask not"), 9.1 %.
    expect(errors / words).toBeLessThanOrEqual(0.15);
    expect(text).toMatch(/what your country can do for you/i);
  });
});
