// Test helpers for this package (candidates for @gs/testing): sample statistics and Gram matrices.

/** Mean and (population) variance of a sample, in float64. */
export function sampleMoments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, variance: squares / values.length };
}

/**
 * Largest |G − target·I| entry of the Gram matrix of a row-major `rows × cols` matrix over its
 * smaller side: `WᵀW` when rows ≥ cols, else `WWᵀ`.
 */
export function gramDeviation(values: ArrayLike<number>, rows: number, cols: number, target: number): number {
  const tall = rows >= cols;
  const size = tall ? cols : rows;
  const length = tall ? rows : cols;
  const at = (k: number, i: number) => (tall ? values[k * cols + i]! : values[i * cols + k]!);
  let worst = 0;
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += at(k, i) * at(k, j);
      worst = Math.max(worst, Math.abs(dot - (i === j ? target : 0)));
    }
  }
  return worst;
}

/** Standard normal density. */
export function normalDensity(x: number): number {
  return Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
}

/** Standard normal CDF by Simpson integration of the density from 0 (|x| ≤ 40), accurate to ~1e-12. */
export function normalCdf(x: number): number {
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const steps = 4000;
  const h = x / steps;
  let sum = normalDensity(0) + normalDensity(x);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * normalDensity(i * h);
  return 0.5 + (sum * h) / 3;
}
