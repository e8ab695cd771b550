// Bootstrap confidence intervals over items (clips), so that an interval says how much the figure
// would move with other clips of the same kinds. Deterministic (fixed seed).
import { mulberry32 } from '@echolens/core/testing';
export const BOOTSTRAP_RESAMPLES = 2000;
const SEED = 12345;

const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

/**
 * Pooled WER (all errors / all reference words) with a 95 % percentile-bootstrap interval over items.
 * `items` are { errors, words }; with `baseline` (same items, same order) the interval is of the
 * paired difference items − baseline.
 */
export function pooledWer(items, baseline) {
  const rate = (list, picks) => {
    let errors = 0;
    let words = 0;
    for (const index of picks) {
      errors += list[index].errors;
      words += list[index].words;
    }
    return words ? errors / words : 0;
  };
  const all = items.map((_, index) => index);
  const point = rate(items, all) - (baseline ? rate(baseline, all) : 0);
  const next = mulberry32(SEED);
  const draws = [];
  for (let draw = 0; draw < BOOTSTRAP_RESAMPLES; draw++) {
    const picks = all.map(() => Math.floor(next() * all.length));
    draws.push(rate(items, picks) - (baseline ? rate(baseline, picks) : 0));
  }
  draws.sort((a, b) => a - b);
  return { value: point, low: quantile(draws, 0.025), high: quantile(draws, 0.975) };
}
