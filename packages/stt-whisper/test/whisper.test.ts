import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError,
  ConfigurationError,
  InvalidInputError,
  ModelLoadError,
  type SpeechToTextResult,
} from '@echolens/core';
import { readPcmWav } from '@echolens/core/testing';
import { resolveModelsDir } from '@echolens/provider';
import { createWhisper } from '@echolens/stt-whisper';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordErrorRate } from '../../../bench/stt/word-error-rate.mjs';
import { dataPath, readManifest } from '../../core/test/helpers/data.js';
import { canonicalModelName, locateWhisperModel } from '../src/model-location.js';

interface AsrRow {
  audio: string;
  text: string;
  lang: string;
  peak_dbfs: number;
}

const rows = readManifest<AsrRow>('asr', 'manifest.jsonl');
const samplesOf = (path: string) => readPcmWav(readFileSync(path)).samples;
const jfk = samplesOf(dataPath('asr', 'audio', 'jfk.wav'));
const JFK_TEXT = rows.find((row) => row.audio.endsWith('jfk.wav'))!.text;
const textOf = (result: SpeechToTextResult) => result.segments.map((segment) => segment.text).join(' ');

function expectWellFormed(result: SpeechToTextResult, durationSec: number) {
  let previousEnd = 0;
  for (const segment of result.segments) {
    expect(segment.startSec).toBeGreaterThanOrEqual(0);
    expect(segment.endSec).toBeGreaterThanOrEqual(segment.startSec);
    expect(segment.endSec).toBeLessThanOrEqual(durationSec + 0.01);
    expect(segment.startSec).toBeGreaterThanOrEqual(previousEnd - 0.5);
    previousEnd = segment.endSec;
    expect(segment.averageLogProbability).toBeLessThanOrEqual(0);
    expect(segment.noSpeechProbability).toBeGreaterThanOrEqual(0);
    expect(segment.noSpeechProbability).toBeLessThanOrEqual(1);
    for (const word of segment.words ?? []) {
      expect(word.startSec).toBeGreaterThanOrEqual(segment.startSec);
      expect(word.endSec).toBeLessThanOrEqual(segment.endSec);
      expect(word.endSec).toBeGreaterThanOrEqual(word.startSec);
      expect(word.confidence).toBeGreaterThan(0);
      expect(word.confidence).toBeLessThanOrEqual(1);
    }
  }
}

describe('createWhisper (whisper-tiny q8, local models)', () => {
  const whisper = createWhisper({ model: 'whisper-tiny' }); // not the default: keeps the suite fast

  beforeAll(() => whisper.load());
  afterAll(() => whisper.dispose());

  it('declares the contract', () => {
    expect(whisper).toMatchObject({
      specificationVersion: 'v1',
      provider: 'whisper-local',
      modelId: 'Xenova/whisper-tiny',
      maxWindowSec: 30,
      dtype: 'q8',
    });
    expect(whisper.cacheKey).toContain('q8');
  });

  it('transcribes JFK with segment and word timings, confidences and the no-speech probability', async () => {
    const result = await whisper.transcribe(
      { samples: jfk, sampleRate: 16_000 },
      { language: 'en', wordTimestamps: true },
    );
    expect(result.language).toBe('en');
    expect(wordErrorRate(JFK_TEXT, textOf(result)).wer).toBeLessThanOrEqual(0.1);
    expectWellFormed(result, 11);
    const words = result.segments.flatMap((segment) => segment.words ?? []);
    expect(words.length).toBeGreaterThanOrEqual(20);
    // "Americans" is spoken around 2-4 s, "country" (last word) ends near 11 s.
    const americans = words.find((word) => /americans/i.test(word.text))!;
    expect(americans.startSec).toBeGreaterThan(1);
    expect(americans.endSec).toBeLessThan(4.5);
    expect(words.at(-1)!.endSec).toBeGreaterThan(9.5);
    for (let i = 1; i < words.length; i++)
      expect(words[i]!.startSec).toBeGreaterThanOrEqual(words[i - 1]!.startSec);
  });

  it('decodes clear speech once, greedily, and a window it doubts again by sampling, the same way every time', async () => {
    const clear = await whisper.transcribe({ samples: jfk, sampleRate: 16_000 }, { language: 'en' });
    expect(clear.segments.map((segment) => segment.temperature)).toEqual(clear.segments.map(() => 0));
    // "Five, five." (a dev card-game clip), 0.6 s of silence, then JFK. Greedily, tiny writes "Five, five." and
    // ends the window there, doubting even that (mean log-probability -1.24, below Whisper's -1): the rest of
    // the window, JFK's sentence, would be lost. The fallback's draws find the whole window.
    const five = samplesOf(dataPath('asr', 'audio', 'cards-004.wav'));
    const samples = new Float32Array(five.length + 0.6 * 16_000 + jfk.length);
    samples.set(five, 0);
    samples.set(jfk, five.length + 0.6 * 16_000);
    const doubted = await whisper.transcribe({ samples, sampleRate: 16_000 }, { language: 'en' });
    expect(textOf(doubted)).toMatch(/^five, five\. and so my fellow americans ask not/i);
    expect(wordErrorRate(`five five ${JFK_TEXT}`, textOf(doubted)).wer).toBeLessThanOrEqual(0.1);
    expect(doubted.segments.every((segment) => (segment.temperature ?? 0) > 0)).toBe(true);
    expectWellFormed(doubted, samples.length / 16_000);
    const again = await whisper.transcribe({ samples, sampleRate: 16_000 }, { language: 'en' });
    expect(again).toEqual(doubted);
  });

  it('gives segments without words unless asked', async () => {
    const result = await whisper.transcribe({ samples: jfk, sampleRate: 16_000 }, { language: 'en' });
    expect(result.segments.length).toBeGreaterThan(0);
    expect(result.segments.every((segment) => segment.words === undefined)).toBe(true);
  });

  it('detects the language of clearly audible speech when none is forced', async () => {
    const audible = rows.filter((row) => row.lang !== 'en' && row.peak_dbfs > -30);
    expect(audible.length).toBeGreaterThanOrEqual(2);
    for (const row of [...audible, rows.find((row) => row.audio.endsWith('jfk.wav'))!]) {
      // Detection needs only the first decoding step; 8 s keeps the test quick.
      const samples = samplesOf(row.audio).subarray(0, 8 * 16_000);
      const result = await whisper.transcribe({ samples, sampleRate: 16_000 });
      expect(result.language, row.audio).toBe(row.lang);
    }
  });

  it('transcribes audio longer than one window in passes, with times on the whole input', async () => {
    const silence = new Float32Array(12 * 16_000);
    const long = new Float32Array(jfk.length * 3 + silence.length);
    long.set(jfk, 0);
    long.set(silence, jfk.length);
    long.set(jfk, jfk.length + silence.length);
    long.set(jfk, 2 * jfk.length + silence.length);
    const durationSec = long.length / 16_000;
    const result = await whisper.transcribe({ samples: long, sampleRate: 16_000 }, { language: 'en' });
    expectWellFormed(result, durationSec);
    expect(textOf(result).match(/fellow americans/gi)?.length).toBe(3);
    expect(result.segments.at(-1)!.endSec).toBeGreaterThan(durationSec - 2);
  });

  it('accepts a vocabulary prompt', async () => {
    const result = await whisper.transcribe(
      { samples: jfk, sampleRate: 16_000 },
      { language: 'en', prompt: 'Inaugural address, fellow Americans.' },
    );
    expect(wordErrorRate(JFK_TEXT, textOf(result)).wer).toBeLessThanOrEqual(0.15);
  });

  it('serves concurrent calls from one model, in order, with the same results as one at a time', async () => {
    const clip = samplesOf(rows.find((row) => row.audio.endsWith('librispeech-1089-134691-0000.wav'))!.audio);
    const alone = await whisper.transcribe({ samples: clip, sampleRate: 16_000 }, { language: 'en' });
    const [first, second] = await Promise.all([
      whisper.transcribe({ samples: clip, sampleRate: 16_000 }, { language: 'en' }),
      whisper.transcribe({ samples: clip, sampleRate: 16_000 }, { language: 'en' }),
    ]);
    expect(textOf(first)).toBe(textOf(alone));
    expect(textOf(second)).toBe(textOf(alone));
  });

  it('stops when aborted, before or during decoding', async () => {
    const before = new AbortController();
    before.abort();
    await expect(
      whisper.transcribe({ samples: jfk, sampleRate: 16_000 }, { signal: before.signal }),
    ).rejects.toSatisfy(AbortError.isInstance);
    const during = new AbortController();
    const pending = whisper.transcribe({ samples: jfk, sampleRate: 16_000 }, { signal: during.signal });
    setTimeout(() => during.abort(), 300);
    await expect(pending).rejects.toSatisfy(AbortError.isInstance);
  });

  it('rejects bad audio and unknown languages with typed errors', async () => {
    await expect(whisper.transcribe({ samples: jfk, sampleRate: 8000 as 16_000 })).rejects.toSatisfy(
      InvalidInputError.isInstance,
    );
    const error = await whisper
      .transcribe({ samples: jfk, sampleRate: 16_000 }, { language: 'xx' })
      .catch((e) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error.message).toContain('"xx"');
    const empty = await whisper.transcribe(
      { samples: new Float32Array(0), sampleRate: 16_000 },
      { language: 'en' },
    );
    expect(empty.segments).toEqual([]);
  });

  it('loads again after dispose', async () => {
    const other = createWhisper({ model: 'whisper-tiny', language: 'en' });
    const first = await other.transcribe({ samples: jfk.subarray(0, 4 * 16_000), sampleRate: 16_000 });
    await other.dispose();
    const second = await other.transcribe({ samples: jfk.subarray(0, 4 * 16_000), sampleRate: 16_000 });
    expect(textOf(second)).toBe(textOf(first));
    await other.dispose();
  });
});

describe('model location and load errors', () => {
  it('turns remote loading off for an explicit models folder and names where it looked', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'echolens-models-empty-'));
    const whisper = createWhisper({ modelsDir: empty, model: 'whisper-base' });
    expect(whisper.modelId).toBe('Xenova/whisper-base');
    const error = await whisper.load().catch((e) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect(error.message).toContain(join(empty, 'Xenova', 'whisper-base'));
    expect(error.message).toContain('fetch-models.mjs whisper-base');
  });

  it('reports corrupt weights and missing weight types as ModelLoadError', async () => {
    const source = join(resolveModelsDir().dir, 'Xenova', 'whisper-tiny');
    const models = mkdtempSync(join(tmpdir(), 'echolens-models-corrupt-'));
    const target = join(models, 'Xenova', 'whisper-tiny');
    mkdirSync(join(target, 'onnx'), { recursive: true });
    for (const file of readdirSync(source))
      if (file !== 'onnx') copyFileSync(join(source, file), join(target, file));
    for (const file of readdirSync(join(source, 'onnx')))
      writeFileSync(join(target, 'onnx', file), 'not an onnx model');
    const corrupt = await createWhisper({ modelsDir: models, model: 'whisper-tiny' })
      .load()
      .catch((e) => e);
    expect(ModelLoadError.isInstance(corrupt)).toBe(true);
    expect(corrupt.message).toContain(target);
    const wrongType = await createWhisper({ modelsDir: models, model: 'whisper-tiny', dtype: 'fp16' })
      .load()
      .catch((e) => e);
    expect(ModelLoadError.isInstance(wrongType)).toBe(true);
    expect(wrongType.message).toMatch(/no fp16 weights/);
  });

  it('resolves shorthands, paths, the explicit folder and the default folder with hub fallback', () => {
    expect(canonicalModelName('whisper-small')).toBe('Xenova/whisper-small');
    expect(canonicalModelName('onnx-community/whisper-large-v3-turbo')).toBe(
      'onnx-community/whisper-large-v3-turbo',
    );
    const explicit = resolveModelsDir().dir;
    expect(locateWhisperModel('whisper-tiny', explicit)).toMatchObject({
      location: {
        kind: 'local',
        modelId: 'Xenova/whisper-tiny',
        directory: join(explicit, 'Xenova', 'whisper-tiny'),
      },
      localOnly: true,
    });
    const path = join(explicit, 'Xenova', 'whisper-tiny');
    expect(locateWhisperModel(path, undefined)).toMatchObject({
      location: { kind: 'local', directory: path },
    });

    const saved = { models: process.env.ECHOLENS_MODELS_DIR, cache: process.env.XDG_CACHE_HOME };
    try {
      delete process.env.ECHOLENS_MODELS_DIR;
      process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'echolens-xdg-'));
      const fallback = locateWhisperModel('whisper-base', undefined);
      expect(fallback).toMatchObject({
        location: {
          kind: 'hub',
          modelId: 'Xenova/whisper-base',
          cacheDirectory: join(process.env.XDG_CACHE_HOME, 'echolens', 'models'),
        },
        localOnly: false,
      });
    } finally {
      process.env.ECHOLENS_MODELS_DIR = saved.models;
      process.env.XDG_CACHE_HOME = saved.cache;
    }
  });
});
