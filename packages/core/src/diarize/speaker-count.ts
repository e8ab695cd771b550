import { FRAMES_PER_SECOND } from './frames.js';
import { fitGaussian, logLikelihood } from './gaussian.js';

/** Speech frames alternate between the two halves of the cross-validation in blocks of one second. */
const FOLD_BLOCK_ROWS = FRAMES_PER_SECOND;

/**
 * How well a labelling of the speech frames predicts speech it was not fitted on, in nats per frame:
 * the speakers' models are fitted on alternate one-second blocks and scored on the others, and the
 * other way round. The speaker of a held-out frame is *predicted* from the nearest fitted frames before
 * and after it (an even mixture of the two when they differ), never read off the frame itself.
 *
 * Why: the labels come from clustering and Viterbi re-segmentation over all frames, so every frame
 * already carries the label that fits it best. Scoring held-out frames under their own label rewards
 * any split at all — of vowels from fricatives, loud from soft — and a single voice scored as two
 * (on the call legs of the dev set, 0.15–0.22 nats/frame, as much as two real voices). Predicting the
 * label from the neighbouring seconds asks what a second speaker must deliver: voices that hold the
 * floor for seconds at a time. A split that flips within a phrase predicts nothing and gains nothing.
 *
 * One Gaussian per speaker with a covariance shared by all (an extra speaker adds only a mean, 19
 * numbers), so an extra speaker earns its keep by a real shift of the voice, not by fitting a
 * covariance to a few seconds.
 */
export function predictiveLogLikelihood(
  cepstra: Float32Array,
  dimensions: number,
  labels: Int32Array,
  clusters: number,
): number {
  const d = dimensions;
  const rows = labels.length;
  const scratch = new Float64Array(d);
  const residual = new Float32Array(d);
  let total = 0;
  let count = 0;
  for (let fold = 0; fold < 2; fold++) {
    const fitted = (row: number) => labels[row]! >= 0 && Math.floor(row / FOLD_BLOCK_ROWS) % 2 === fold;
    const members: number[][] = Array.from({ length: clusters }, () => []);
    for (let row = 0; row < rows; row++) if (fitted(row)) members[labels[row]!]!.push(row);
    const means = members.map((group) => {
      const mean = new Float64Array(d);
      for (const row of group) for (let c = 0; c < d; c++) mean[c]! += cepstra[row * d + c]!;
      for (let c = 0; c < d; c++) mean[c]! /= Math.max(1, group.length);
      return mean;
    });
    const residuals = new Float32Array(cepstra.length);
    const pooled: number[] = [];
    members.forEach((group, label) => {
      for (const row of group) {
        for (let c = 0; c < d; c++) residuals[row * d + c] = cepstra[row * d + c]! - means[label]![c]!;
        pooled.push(row);
      }
    });
    if (pooled.length <= d) continue;
    const shared = fitGaussian(residuals, d, pooled);
    const score = (row: number, label: number) => {
      for (let c = 0; c < d; c++) residual[c] = cepstra[row * d + c]! - means[label]![c]!;
      return logLikelihood(shared, residual, 0, scratch);
    };
    // Label of the nearest fitted frame after each row, then walk forward keeping the one before.
    const after = new Int32Array(rows + 1).fill(-1);
    for (let row = rows - 1; row >= 0; row--) after[row] = fitted(row) ? labels[row]! : after[row + 1]!;
    let before = -1;
    for (let row = 0; row < rows; row++) {
      if (fitted(row)) {
        before = labels[row]!;
        continue;
      }
      if (Math.floor(row / FOLD_BLOCK_ROWS) % 2 === fold) continue; // unlabelled row of the fitted half
      const a = before >= 0 ? before : after[row]!;
      const b = after[row]! >= 0 ? after[row]! : before;
      if (a < 0) continue;
      if (a === b) total += score(row, a);
      else {
        const la = score(row, a);
        const lb = score(row, b);
        const top = Math.max(la, lb);
        total += top + Math.log(0.5 * Math.exp(la - top) + 0.5 * Math.exp(lb - top));
      }
      count++;
    }
  }
  return count > 0 ? total / count : Number.NEGATIVE_INFINITY;
}

/** Seconds of speech carried by the least-heard of `clusters` labels. */
export function leastSpeakerSeconds(labels: Int32Array, clusters: number): number {
  const frames = new Float64Array(clusters);
  for (const label of labels) if (label >= 0) frames[label]!++;
  return Math.min(...frames) / FRAMES_PER_SECOND;
}
