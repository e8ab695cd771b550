import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addLevelActivity, levelActivityMask, noiseFloorDb } from '../../src/diarize/channel-activity.js';
import { frameEnergiesDb } from '../../src/diarize/frames.js';
import { dataPath } from '../helpers/data.js';
import { decodeChannels, memoryPcm } from './audio-fixture.js';

/** Frame energies (10 ms) from runs of `[frames, dB]`. */
const energies = (...runs: [number, number][]) =>
  Float32Array.from(runs.flatMap(([frames, db]) => new Array<number>(frames).fill(db)));

const setFrames = (mask: Uint8Array, start: number, end: number) =>
  mask.slice(start, end).reduce((sum, value) => sum + value, 0);

describe('noise floor', () => {
  it('follows the quietest level around each frame, not the speech above it', () => {
    // 6 s of line noise at -60 dB with a 1 s word at -20 dB, then the noise rises to -40 dB.
    const floor = noiseFloorDb(energies([200, -60], [100, -20], [300, -60], [600, -40]));
    expect(floor[250]).toBeCloseTo(-60, 3);
    expect(floor[1000]).toBeCloseTo(-40, 3);
  });

  it('leaves digital silence (lost packets, gated lines) out of the floor', () => {
    // 0.1 s of exact zeros inside -60 dB noise would otherwise drag the floor 40 dB down.
    const floor = noiseFloorDb(energies([300, -60], [10, -100], [300, -60]));
    expect(Math.min(...floor)).toBeCloseTo(-60, 3);
    // A channel that is digital silence throughout has no floor anything could rise above.
    expect(noiseFloorDb(energies([500, -100]))[250]).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('level activity', () => {
  it('starts 12 dB above the floor and holds until the level falls under 6 dB above it', () => {
    const mask = levelActivityMask(
      energies([300, -60], [50, -50], [300, -60], [50, -45], [50, -52], [50, -57], [300, -60]),
    );
    // 10 dB up never starts; 15 dB up starts, 8 dB up holds it, 3 dB up ends it.
    expect(setFrames(mask, 305, 345)).toBe(0);
    expect(setFrames(mask, 655, 695)).toBe(40);
    expect(setFrames(mask, 705, 745)).toBe(40);
    expect(setFrames(mask, 755, 795)).toBe(0);
    // 8 dB up without a start before it stays off.
    expect(setFrames(levelActivityMask(energies([300, -60], [50, -52], [300, -60])), 305, 345)).toBe(0);
  });

  // A quiet line (-65 dBFS noise) with, at 1 s, a real utterance; at 3.6 s a burst of white noise and at
  // 4.8 s a 440 Hz tone, both as loud as the speech. The VAD heard nothing (an empty mask).
  const sampleRate = 16_000;
  const channel = new Float32Array(6 * sampleRate);
  let seed = 7;
  const random = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647 - 0.5;
  };
  for (let i = 0; i < channel.length; i++) channel[i] = 2e-3 * random();
  const [speech] = decodeChannels(dataPath('asr/audio/librispeech-1089-134691-0000.wav'));
  const rms = Math.sqrt(speech!.reduce((sum, value) => sum + value * value, 0) / speech!.length);
  channel.set(speech!.subarray(0, 2.5 * sampleRate), sampleRate);
  for (let i = 0; i < 0.8 * sampleRate; i++) {
    channel[3.6 * sampleRate + i] = rms * Math.sqrt(12) * random();
    channel[4.8 * sampleRate + i] = rms * Math.SQRT2 * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
  }

  it('adds a voice the VAD missed, but not noise or a tone as loud', async () => {
    const pcm = memoryPcm([channel]);
    const channelEnergies = await frameEnergiesDb(pcm, 0);
    const loud = levelActivityMask(channelEnergies);
    // The level detector alone hears all three sounds...
    expect(setFrames(loud, 370, 430)).toBeGreaterThan(50);
    expect(setFrames(loud, 490, 550)).toBeGreaterThan(50);
    const { mask, addedFrames } = await addLevelActivity(
      pcm,
      0,
      channelEnergies,
      new Uint8Array(loud.length),
    );
    // ...but only the utterance is voice.
    expect(setFrames(mask, 100, 300)).toBeGreaterThan(0.8 * setFrames(loud, 100, 300));
    expect(setFrames(mask, 340, 600)).toBe(0);
    expect(addedFrames).toBe(setFrames(mask, 0, mask.length));
  });

  it('keeps what the VAD found, and adds nothing without the Silero model to confirm voice', async () => {
    const pcm = memoryPcm([channel]);
    const channelEnergies = await frameEnergiesDb(pcm, 0);
    const vadMask = new Uint8Array(channelEnergies.length).fill(1, 150, 200);
    const empty = mkdtempSync(join(tmpdir(), 'echolens-no-models-'));
    try {
      const result = await addLevelActivity(pcm, 0, channelEnergies, vadMask, { modelsDir: empty });
      expect(result.addedFrames).toBe(0);
      expect(result.mask).toEqual(vadMask);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
