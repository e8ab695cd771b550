// Statistics for the analysis benchmark: scores, rank correlation and percentile-bootstrap confidence intervals.
// Resampling uses a fixed seed so the same data gives the same intervals on every run.

import { mulberry32 } from '@echolens/core/testing';

export const round = (value, digits = 3) => Number(value.toFixed(digits));
export const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Precision, recall and F1 of boolean predictions. */
export function binaryScores(predictions, labels) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predictions.forEach((predicted, index) => {
    if (predicted && labels[index]) tp++;
    else if (predicted) fp++;
    else if (labels[index]) fn++;
  });
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall };
}

export const accuracy = (predictions, labels) =>
  predictions.filter((predicted, index) => predicted === labels[index]).length / Math.max(1, labels.length);

/** Mean recall over the classes present in the labels. */
export function balancedAccuracy(predictions, labels) {
  const classes = [...new Set(labels)];
  return mean(
    classes.map((label) => {
      const members = labels.map((value, index) => [value, index]).filter(([value]) => value === label);
      return members.filter(([, index]) => predictions[index] === label).length / members.length;
    }),
  );
}

/** Spearman rank correlation with average ranks for ties. */
export function spearman(a, b) {
  const ranks = (values) => {
    const order = values.map((value, index) => [value, index]).sort((x, y) => x[0] - y[0]);
    const result = new Array(values.length);
    for (let start = 0; start < order.length; ) {
      let end = start;
      while (end + 1 < order.length && order[end + 1][0] === order[start][0]) end++;
      for (let k = start; k <= end; k++) result[order[k][1]] = (start + end) / 2;
      start = end + 1;
    }
    return result;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let numerator = 0;
  let da = 0;
  let db = 0;
  for (let index = 0; index < ra.length; index++) {
    numerator += (ra[index] - ma) * (rb[index] - mb);
    da += (ra[index] - ma) ** 2;
    db += (rb[index] - mb) ** 2;
  }
  return da > 0 && db > 0 ? numerator / Math.sqrt(da * db) : 0;
}

/**
 * A statistic over n items with its 95 % percentile-bootstrap interval: `statistic(indices)` is evaluated on the
 * full index list and on `resamples` lists drawn with replacement. `groups` (optional, one key per item) resamples
 * whole groups instead of items, for items that are not independent (several draws of one utterance).
 */
export function bootstrap(n, statistic, { resamples = 1000, seed = 7, groups } = {}) {
  const all = Array.from({ length: n }, (_, index) => index);
  const value = statistic(all);
  const next = mulberry32(seed);
  const units = groups ? [...groupIndices(groups).values()] : all.map((index) => [index]);
  const values = [];
  for (let draw = 0; draw < resamples; draw++) {
    const sample = [];
    for (let k = 0; k < units.length; k++) sample.push(...units[Math.floor(next() * units.length)]);
    values.push(statistic(sample));
  }
  values.sort((a, b) => a - b);
  return {
    value: round(value),
    low: round(values[Math.floor(0.025 * resamples)]),
    high: round(values[Math.ceil(0.975 * resamples) - 1]),
  };
}

function groupIndices(groups) {
  const map = new Map();
  groups.forEach((key, index) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(index);
  });
  return map;
}

/** Picks the entries of `values` at `indices`. */
export const pick = (values, indices) => indices.map((index) => values[index]);

/** "0.712 [0.650, 0.771]" */
export const withInterval = (figure, digits = 3) =>
  `${figure.value.toFixed(digits)} [${figure.low.toFixed(digits)}, ${figure.high.toFixed(digits)}]`;
/** "71.2 % [65.0, 77.1]" */
export const percentWithInterval = (figure) =>
  `${(figure.value * 100).toFixed(1)} % [${(figure.low * 100).toFixed(1)}, ${(figure.high * 100).toFixed(1)}]`;
