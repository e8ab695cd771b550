/** A full-covariance Gaussian over feature rows, the speaker model of the spectral diarizer. */
export interface Gaussian {
  dimensions: number;
  mean: Float64Array;
  /** Lower-triangular Cholesky factor of the covariance, row-major `d × d`. */
  cholesky: Float64Array;
  logDeterminant: number;
}

/** Added to the diagonal so a speaker with few frames still has an invertible covariance. */
const RIDGE = 1e-3;

/**
 * Fits mean and covariance to the rows `rows` of a row-major matrix `data` (`dimensions` per row).
 */
export function fitGaussian(data: Float32Array, dimensions: number, rows: ArrayLike<number>): Gaussian {
  const count = Math.max(1, rows.length);
  const mean = new Float64Array(dimensions);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r]! * dimensions;
    for (let i = 0; i < dimensions; i++) mean[i]! += data[offset + i]!;
  }
  for (let i = 0; i < dimensions; i++) mean[i]! /= count;
  const covariance = new Float64Array(dimensions * dimensions);
  const centred = new Float64Array(dimensions);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r]! * dimensions;
    for (let i = 0; i < dimensions; i++) centred[i] = data[offset + i]! - mean[i]!;
    for (let i = 0; i < dimensions; i++) {
      const value = centred[i]!;
      for (let j = 0; j <= i; j++) covariance[i * dimensions + j]! += value * centred[j]!;
    }
  }
  for (let i = 0; i < dimensions; i++) {
    for (let j = 0; j <= i; j++) covariance[i * dimensions + j]! /= count;
    covariance[i * dimensions + i]! += RIDGE;
  }
  const cholesky = choleskyLower(covariance, dimensions);
  let logDeterminant = 0;
  for (let i = 0; i < dimensions; i++) logDeterminant += 2 * Math.log(cholesky[i * dimensions + i]!);
  return { dimensions, mean, cholesky, logDeterminant };
}

/** Cholesky factor of a symmetric positive-definite matrix given by its lower triangle. */
function choleskyLower(matrix: Float64Array, size: number): Float64Array {
  const lower = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * size + j]!;
      for (let k = 0; k < j; k++) sum -= lower[i * size + k]! * lower[j * size + k]!;
      lower[i * size + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / lower[j * size + j]!;
    }
  }
  return lower;
}

const LOG_TWO_PI = Math.log(2 * Math.PI);

/** Log-density of row `row` of `data` under the Gaussian. */
export function logLikelihood(
  gaussian: Gaussian,
  data: Float32Array,
  row: number,
  scratch: Float64Array,
): number {
  const { dimensions, mean, cholesky } = gaussian;
  const offset = row * dimensions;
  let distance = 0;
  // Forward substitution: solve L·z = x - μ; the Mahalanobis distance is |z|².
  for (let i = 0; i < dimensions; i++) {
    let sum = data[offset + i]! - mean[i]!;
    for (let k = 0; k < i; k++) sum -= cholesky[i * dimensions + k]! * scratch[k]!;
    const value = sum / cholesky[i * dimensions + i]!;
    scratch[i] = value;
    distance += value * value;
  }
  return -0.5 * (dimensions * LOG_TWO_PI + gaussian.logDeterminant + distance);
}
