import { describe, expect, it } from 'vitest';
import { distinctChannels } from '../../src/transcribe/duplicate-channels.js';
import { memoryPcm } from '../diarize/audio-fixture.js';
import { RATE } from './prepared-fixture.js';

function noise(seconds: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: seconds * RATE }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

describe('distinctChannels', () => {
  const speech = [{ startSec: 1, endSec: 9 }];
  const left = noise(10, 1);

  it('transcribes a channel that copies another (level and encoding noise aside) once', async () => {
    const copy = left.map((sample, index) => 0.5 * sample + 0.005 * ((index % 7) / 7 - 0.5));
    expect(await distinctChannels(memoryPcm([left, copy]), [speech, speech])).toEqual([0]);
  });

  it('keeps both sides of a call, even with crosstalk from the other side', async () => {
    const own = noise(10, 2);
    const bleed = own.map((sample, index) => sample + 0.3 * (left[index - 80] ?? 0));
    expect(await distinctChannels(memoryPcm([left, bleed]), [speech, speech])).toEqual([0, 1]);
  });
});
