import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, binomialUpperTail, rateIncreasePValue } from '../../src/aggregate/statistics.js';

/** P(X ≥ k) by summing the probability mass directly: the reference for small n. */
function summedTail(k: number, n: number, p: number): number {
  let total = 0;
  for (let i = k; i <= n; i++) {
    let choose = 1;
    for (let j = 0; j < i; j++) choose = (choose * (n - j)) / (j + 1);
    total += choose * p ** i * (1 - p) ** (n - i);
  }
  return total;
}

describe('statistics', () => {
  it('binomial upper tail matches the summed mass', () => {
    for (const [k, n, p] of [
      [4, 6, 0.5],
      [6, 6, 0.5],
      [10, 30, 0.2],
      [1, 5, 0.1],
      [50, 80, 0.5],
      [3, 100, 0.01],
      [40, 60, 0.3],
    ] as const) {
      expect(binomialUpperTail(k, n, p)).toBeCloseTo(summedTail(k, n, p), 10);
    }
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
  });

  it('two calls becoming four is not significant; 10 becoming 40 at the same volume is', () => {
    // 4 of 6 events fall in the recent half: P(X ≥ 4 | n = 6, p = ½) = 22/64.
    expect(rateIncreasePValue(4, 100, 2, 100)).toBeCloseTo(22 / 64, 12);
    expect(rateIncreasePValue(40, 100, 10, 100)).toBeLessThan(1e-4);
    // Twice the calls overall explains twice the topic's calls.
    expect(rateIncreasePValue(40, 200, 20, 100)).toBeGreaterThan(0.4);
  });

  it('Benjamini-Hochberg adjusts in input order', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    expect(adjusted[0]).toBeCloseTo(0.04, 12);
    expect(adjusted[1]).toBeCloseTo(0.0533333, 6);
    expect(adjusted[2]).toBeCloseTo(0.0533333, 6);
    expect(adjusted[3]).toBeCloseTo(0.2, 12);
  });
});
