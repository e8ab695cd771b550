import { LogitsProcessor, LogitsProcessorList, random, Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { ChooserLastList, logSoftmaxAt, TokenChooser } from '../src/decoding-hooks.js';

/** Logits as generate() hands them to processors: a batch of one row. */
function logitsOf(values: number[]): Tensor {
  return new Tensor('float32', Float32Array.from(values), [1, values.length]);
}

function rowOf(logits: Tensor): Float32Array {
  return (logits as unknown as Tensor[])[0]?.data as Float32Array;
}

function choose(chooser: TokenChooser, values: number[]): number {
  const logits = logitsOf(values);
  chooser([[1n]], logits);
  const row = rowOf(logits);
  const kept = [...row.keys()].filter((index) => row[index] !== Number.NEGATIVE_INFINITY);
  expect(kept).toHaveLength(1); // generate()'s greedy step can only take the chosen token
  return kept[0] as number;
}

describe('TokenChooser (Whisper decoding with temperature fallback)', () => {
  it('at temperature 0 takes the most likely token and records its log-probability', () => {
    const chooser = new TokenChooser(0, () => 0.999);
    const values = [0.5, 2, -1, 2];
    expect(choose(chooser, values)).toBe(1); // the first of equals, as generate()'s greedy sampler
    expect(chooser.logProbabilities[0]).toBeCloseTo(logSoftmaxAt(values, 1), 6);
  });

  it('above 0 draws from softmax(logits / temperature), recording the untempered log-probability', () => {
    // Probabilities 1/4 and 3/4 at temperature 1: a uniform draw below 1/4 gives token 0, above it token 1.
    const values = [0, Math.log(3)];
    expect(choose(new TokenChooser(1, () => 0.2), values)).toBe(0);
    expect(choose(new TokenChooser(1, () => 0.3), values)).toBe(1);
    // At temperature 0.5 the weights are squared (1 : 9), so 0.2 now falls on token 1.
    const tempered = new TokenChooser(0.5, () => 0.2);
    expect(choose(tempered, values)).toBe(1);
    expect(tempered.logProbabilities[0]).toBeCloseTo(Math.log(3 / 4), 6);
    // Tokens a rule removed (−∞) are never drawn, whatever the draw.
    expect(choose(new TokenChooser(1, () => 0.999), [1, Number.NEGATIVE_INFINITY])).toBe(0);
  });

  it('draws with the frequencies of the tempered softmax, and the same way for the same seed', () => {
    const values = [1, 0, -1, Number.NEGATIVE_INFINITY];
    const draws = (seed: number) => {
      const generator = new random.Random(seed);
      const chooser = new TokenChooser(0.6, () => generator.random());
      return Array.from({ length: 4000 }, () => choose(chooser, values));
    };
    const first = draws(3);
    expect(draws(3)).toEqual(first);
    expect(draws(4)).not.toEqual(first);
    const weights = values.map((value) => Math.exp(value / 0.6));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    for (const [token, weight] of weights.entries()) {
      const share = first.filter((chosen) => chosen === token).length / first.length;
      // Four standard errors of a share of 4000 draws: a wrong distribution fails, chance does not.
      expect(Math.abs(share - weight / total)).toBeLessThan(4 * Math.sqrt(0.25 / first.length));
    }
  });
});

describe('ChooserLastList', () => {
  class Recorder extends LogitsProcessor {
    constructor(
      private readonly name: string,
      private readonly order: string[],
      private readonly ban?: number,
    ) {
      super();
    }
    override _call(_ids: bigint[][], logits: Tensor): Tensor {
      this.order.push(this.name);
      if (this.ban !== undefined) rowOf(logits)[this.ban] = Number.NEGATIVE_INFINITY;
      return logits;
    }
  }

  it('keeps the chooser after the rules generate() appends and copies the list with', () => {
    const order: string[] = [];
    const chooser = new TokenChooser(0, () => 0);
    const list = new ChooserLastList(chooser);
    list.push(new Recorder('early end', order));
    // What generate() does for return_timestamps; this rule bans the most likely token.
    list.push(new Recorder('timestamp rules', order, 1));
    const prepared = new LogitsProcessorList(); // as generate() builds its own list
    prepared.extend(list);
    const logits = logitsOf([0, 3, 1]);
    prepared([[1n]], logits);
    expect(order).toEqual(['early end', 'timestamp rules']);
    // The chooser ran after the ban: it took the best token left, scored over the logits the rules left.
    expect([...rowOf(logits)]).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
    expect(chooser.logProbabilities[0]).toBeCloseTo(logSoftmaxAt([0, Number.NEGATIVE_INFINITY, 1], 2), 6);
  });
});
