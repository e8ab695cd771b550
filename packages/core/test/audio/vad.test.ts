import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@echolens/provider';
import { ModelLoadError } from '@echolens/provider';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareAudio } from '../../src/audio/prepare.js';
import { detectSpeech } from '../../src/audio/vad/detect-speech.js';
import { loadSilero, sileroModelPath } from '../../src/audio/vad/silero.js';
import { DEFAULT_SPEECH_REGION_SETTINGS, SpeechRegionTracker } from '../../src/audio/vad/speech-regions.js';
import type { SpeechRegion } from '../../src/schema/prepared-audio.js';
import { dataPath, readManifest } from '../helpers/data.js';
import { readPcm16Wav, whiteNoise } from './signals.js';

const emptyModels = mkdtempSync(join(tmpdir(), 'echolens-no-models-'));
const measured: Record<string, unknown>[] = [];
afterAll(() => {
  rmSync(emptyModels, { recursive: true, force: true });
  if (process.env.ECHOLENS_PRINT_AUDIO_MEASUREMENTS) console.table(measured);
});

const speechSeconds = (regions: SpeechRegion[]) =>
  regions.reduce((sum, region) => sum + region.endSec - region.startSec, 0);

const jfk = () => readPcm16Wav(dataPath('asr', 'audio', 'jfk.wav')).channels[0]!;
const silence = new Float32Array(16_000 * 10);
/** White noise at −20 and −45 dBFS RMS. */
const noises = [0.17, 0.0097].map((amplitude, index) => whiteNoise(16_000 * 10, amplitude, 99 + index));

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => {};
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (_object, message) => warnings.push(String(message)),
  };
}

/** Fraction of 10 ms frames of `reference` that `regions` cover, and of `regions` that lie in `reference`. */
function agreement(reference: SpeechRegion[], regions: SpeechRegion[], durationSec: number) {
  const frames = Math.ceil(durationSec * 100);
  const mask = (list: SpeechRegion[]) => {
    const result = new Uint8Array(frames);
    for (const region of list)
      result.fill(1, Math.floor(region.startSec * 100), Math.ceil(region.endSec * 100));
    return result;
  };
  const truth = mask(reference);
  const found = mask(regions);
  let both = 0;
  let truthCount = 0;
  let foundCount = 0;
  for (let index = 0; index < frames; index++) {
    both += truth[index]! & found[index]!;
    truthCount += truth[index]!;
    foundCount += found[index]!;
  }
  return { recall: both / truthCount, precision: both / foundCount };
}

describe('Silero VAD', () => {
  it('finds the speech in jfk (most of it is speech), with its method and model recorded', async () => {
    const audio = await prepareAudio({ source: dataPath('asr', 'audio', 'jfk.wav') }, { vad: 'silero' });
    // No machine path in results: the method is what matters (and a fallback would say why).
    expect(audio.vad).toEqual({ method: 'silero' });
    const regions = audio.speech[0]!;
    measured.push({
      case: 'jfk silero',
      regions: regions.length,
      speechSec: speechSeconds(regions).toFixed(2),
    });
    expect(speechSeconds(regions) / audio.durationSec).toBeGreaterThan(0.6);
    for (const region of regions) {
      expect(region.endSec).toBeGreaterThan(region.startSec);
      expect(region.endSec).toBeLessThanOrEqual(audio.durationSec);
      expect(region.score).toBeGreaterThan(0.5);
    }
    await audio.dispose();
  });

  it('finds no speech in digital silence or white noise', async () => {
    const silent = await detectSpeech(silence, { method: 'silero' });
    expect(silent).toMatchObject({ method: 'silero', regions: [] });
    for (const noise of noises) {
      const { regions } = await detectSpeech(noise, { method: 'silero' });
      measured.push({ case: 'noise silero', speechSec: speechSeconds(regions) });
      expect(speechSeconds(regions)).toBeLessThanOrEqual(0.3);
    }
  });

  it('quiet speech (peak −45 dBFS) is found once normalised', async () => {
    const row = readManifest<{ audio: string; peak_dbfs: number; seconds: number }>(
      'asr',
      'manifest.jsonl',
    ).find((candidate) => candidate.peak_dbfs < -44)!;
    const audio = await prepareAudio({ source: row.audio }, { vad: 'silero' });
    measured.push({
      case: `${row.audio.split('/').at(-1)} silero`,
      speechSec: speechSeconds(audio.speech[0]!).toFixed(2),
    });
    expect(speechSeconds(audio.speech[0]!) / audio.durationSec).toBeGreaterThan(0.5);
    await audio.dispose();
  });

  it('agrees with the per-channel reference of a real stereo customer-service call', async () => {
    const row = readManifest<{ stereo: string; rttm: string; seconds: number }>(
      'diarization',
      'manifest.jsonl',
    ).find((candidate) => candidate.stereo && candidate.seconds > 60)!;
    const audio = await prepareAudio({ source: row.stereo }, { vad: 'silero' });
    expect(audio.channelCount).toBe(2);
    const reference: Record<string, SpeechRegion[]> = {};
    for (const line of readFileSync(row.rttm, 'utf8').split('\n').filter(Boolean)) {
      const [, , , start, duration, , , speaker] = line.split(/\s+/);
      reference[speaker!] ??= [];
      reference[speaker!]!.push({ startSec: Number(start), endSec: Number(start) + Number(duration) });
    }
    for (const [channel, role] of ['agent', 'customer'].entries()) {
      const result = agreement(reference[role]!, audio.speech[channel]!, audio.durationSec);
      measured.push({ case: `aws call ${role}`, ...result });
      // The reference is an energy detector with 0.5 s gaps merged: it counts short pauses as speech,
      // and also short back-channel noises on the customer leg that Silero scores below 0.5.
      expect(result.recall).toBeGreaterThan(0.7);
      expect(result.precision).toBeGreaterThan(0.9);
    }
    await audio.dispose();
  });

  it('loads the model once per process', async () => {
    expect(loadSilero(sileroModelPath())).toBe(loadSilero(sileroModelPath()));
  });

  it("'silero' without the model fails with ModelLoadError; 'auto' falls back to energy and says so", async () => {
    const error = await detectSpeech(silence, { method: 'silero', modelsDir: emptyModels }).catch(
      (caught) => caught,
    );
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect(error.message).toContain(join(emptyModels, 'snakers4', 'silero-vad', 'silero_vad.onnx'));

    const logger = recordingLogger();
    const audio = await prepareAudio(
      { source: dataPath('asr', 'audio', 'jfk.wav') },
      { vad: 'auto', modelsDir: emptyModels, logger },
    );
    expect(audio.vad).toMatchObject({
      method: 'energy',
      fallbackReason: expect.stringMatching(/Silero VAD model not found/),
    });
    expect(logger.warnings.join('\n')).toMatch(/Silero VAD model not found/);
    await audio.dispose();
  });
});

describe('energy VAD (the fallback)', () => {
  it('finds most of jfk as speech and overlaps Silero', async () => {
    const samples = jfk();
    const energy = await detectSpeech(samples, { method: 'energy' });
    const silero = await detectSpeech(samples, { method: 'silero' });
    expect(energy.method).toBe('energy');
    const overlap = agreement(silero.regions, energy.regions, samples.length / 16_000);
    measured.push({ case: 'jfk energy', speechSec: speechSeconds(energy.regions).toFixed(2), ...overlap });
    expect(speechSeconds(energy.regions) / (samples.length / 16_000)).toBeGreaterThan(0.5);
    expect(overlap.recall).toBeGreaterThan(0.8);
    expect(overlap.precision).toBeGreaterThan(0.8);
  });

  it('finds nothing in silence or steady noise', async () => {
    expect((await detectSpeech(silence, { method: 'energy' })).regions).toEqual([]);
    for (const noise of noises) expect((await detectSpeech(noise, { method: 'energy' })).regions).toEqual([]);
  });
});

describe('vad: false', () => {
  it('marks the whole recording as speech', async () => {
    const audio = await prepareAudio({ source: dataPath('asr', 'audio', 'cards-001.wav') }, { vad: false });
    expect(audio.vad).toEqual({ method: 'none' });
    expect(audio.speech).toEqual([[{ startSec: 0, endSec: audio.durationSec }]]);
    await audio.dispose();
  });
});

describe('speech regions from frame scores (Silero’s get_speech_timestamps rules)', () => {
  // One score per 512-sample window (32 ms at 16 kHz).
  function regionsFor(scores: number[]): SpeechRegion[] {
    const tracker = new SpeechRegionTracker(DEFAULT_SPEECH_REGION_SETTINGS, 512, 16_000);
    for (const score of scores) tracker.push(score);
    return tracker.finish(scores.length * 512);
  }
  const repeat = (score: number, windows: number) => Array<number>(windows).fill(score);

  it('drops bursts shorter than 250 ms and pads kept regions by 30 ms', () => {
    expect(regionsFor([...repeat(0, 10), ...repeat(0.9, 5), ...repeat(0, 20)])).toEqual([]); // 160 ms
    const [region] = regionsFor([...repeat(0, 10), ...repeat(0.9, 20), ...repeat(0, 20)]);
    expect(region!.startSec).toBeCloseTo(0.32 - 0.03, 3);
    expect(region!.endSec).toBeCloseTo(0.96 + 0.03, 3);
  });

  it('bridges pauses shorter than 100 ms and hysteresis keeps speech on between 0.35 and 0.5', () => {
    const bridged = regionsFor([
      ...repeat(0.9, 10),
      ...repeat(0.1, 3),
      ...repeat(0.9, 10),
      ...repeat(0.4, 10),
      ...repeat(0, 10),
    ]);
    expect(bridged).toHaveLength(1);
    expect(bridged[0]!.endSec).toBeCloseTo((33 * 512) / 16_000 + 0.03, 3);
    const split = regionsFor([...repeat(0.9, 10), ...repeat(0.1, 6), ...repeat(0.9, 10), ...repeat(0, 10)]);
    expect(split).toHaveLength(2);
  });
});
