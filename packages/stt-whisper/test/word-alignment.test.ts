import { describe, expect, it } from 'vitest';
import { type AttentionTensor, alignTokens, audioFrames, SAMPLES_PER_FRAME } from '../src/word-alignment.js';

const FRAMES = 10;

/** One layer, one head: a row per decoding step, attending to `frames` of FRAMES. */
function row(frames: number[]): Float32Array {
  const values = new Float32Array(FRAMES).fill(0.01);
  for (const frame of frames) values[frame] = 1;
  return values;
}

/**
 * Attentions as generate() returns them: step 0 holds one row per prompt token, each later step one
 * row. The row of step k (the last prompt row for k = 0) is the step that predicts generated token k.
 */
function attentionsFor(promptLength: number, tokenFrames: number[][]): AttentionTensor[][] {
  const prompt = Array.from({ length: promptLength - 1 }, () => row([]));
  const steps: AttentionTensor[][] = [];
  const first = [...prompt, row(tokenFrames[0] ?? [])];
  const data0 = new Float32Array(first.length * FRAMES);
  for (const [index, values] of first.entries()) data0.set(values, index * FRAMES);
  steps.push([{ data: data0, dims: [1, 1, first.length, FRAMES] }]);
  for (const frames of tokenFrames.slice(1)) steps.push([{ data: row(frames), dims: [1, 1, 1, FRAMES] }]);
  return steps;
}

describe('alignTokens', () => {
  it('times each token by the step that predicts it', () => {
    const spans = alignTokens(
      attentionsFor(3, [
        [0, 1],
        [2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
      {
        alignmentHeads: [[0, 0]],
        promptLength: 3,
        tokenCount: 4,
        frames: Array(FRAMES).fill(true),
        isText: [true, true, true, true],
        medianFilterWidth: 1,
      },
    );
    expect(spans).toEqual([
      { startSec: 0, endSec: 0.04 },
      { startSec: 0.04, endSec: 0.08 },
      { startSec: 0.08, endSec: 0.14 },
      { startSec: 0.14, endSec: 0.2 },
    ]);
  });

  it('keeps frames of inserted silence off the path, so no token spans them', () => {
    // Frames 4 and 5 are digital silence between two pieces of a window.
    const frames = Array.from({ length: FRAMES }, (_, frame) => frame !== 4 && frame !== 5);
    const spans = alignTokens(
      attentionsFor(2, [
        [0, 1],
        [2, 3],
        [6, 7],
        [8, 9],
      ]),
      {
        alignmentHeads: [[0, 0]],
        promptLength: 2,
        tokenCount: 4,
        frames,
        isText: [true, true, true, true],
        medianFilterWidth: 1,
      },
    );
    expect(spans[1]).toEqual({ startSec: 0.04, endSec: 0.08 });
    expect(spans[2]).toEqual({ startSec: 0.12, endSec: 0.16 });
  });
});

describe('alignTokens when the model wrote less than it heard', () => {
  it('leaves the speech it did not write to end-of-text instead of stretching the words over it', () => {
    // <|0.00|> "five" "five" <|2.00|> end-of-text over 10 frames: the words are in frames 1-3, the
    // model stopped there, and frames 5-9 hold more speech that the first word attends to a little.
    const tokenFrames = [[0], [1, 2], [3], [4], [7]];
    const attentions = attentionsFor(2, tokenFrames);
    const weak = attentions[1]?.[0]?.data as Float32Array;
    for (let frame = 5; frame < FRAMES; frame++) weak[frame] = 0.05;
    const spans = alignTokens(attentions, {
      alignmentHeads: [[0, 0]],
      promptLength: 2,
      tokenCount: 5,
      frames: Array(FRAMES).fill(true),
      isText: [false, true, true, false, false],
      medianFilterWidth: 1,
    });
    expect(spans[1]).toEqual({ startSec: 0.02, endSec: 0.06 });
    expect(spans[2]?.endSec).toBeLessThanOrEqual(0.1);
    expect(spans[4]?.endSec).toBe(0.2);
  });
});

describe('audioFrames', () => {
  it('marks the frames whose samples are all exactly zero, and the frames past the audio', () => {
    const samples = new Float32Array(3 * SAMPLES_PER_FRAME);
    samples[10] = 0.1;
    samples[2 * SAMPLES_PER_FRAME + 5] = -0.001;
    expect(audioFrames(samples, 4)).toEqual([true, false, true, false]);
  });
});
