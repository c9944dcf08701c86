import { requireInteger } from '@gs/core';

/** Nodes and weights of a Gauss–Hermite rule for expectations under N(0, 1). */
export interface GaussianQuadrature {
  /** Points z_i, ascending, symmetric about 0. */
  readonly nodes: Float64Array;
  /** Weights w_i > 0 summing to 1: E[f(z)] ≈ Σ w_i f(z_i) for z ~ N(0, 1). */
  readonly weights: Float64Array;
}

const cache = new Map<number, GaussianQuadrature>();

/**
 * The `points`-point Gauss–Hermite rule for a standard normal: E[f(z)] ≈ Σ wᵢ f(zᵢ), exact for
 * polynomials of degree < 2·points. Computed once per size (and cached) in float64 by Newton's
 * method on the orthonormal Hermite recurrence
 * `p₀ = π^(−1/4)`, `pⱼ(x) = x·√(2/j)·pⱼ₋₁ − √((j−1)/j)·pⱼ₋₂`, whose roots xᵢ give
 * `zᵢ = √2·xᵢ` and `wᵢ = 2 / (√π · pₙ′(xᵢ)²)` with `pₙ′ = √(2n)·pₙ₋₁` (Golub & Welsch 1969 give
 * the same rule as an eigenproblem). With an even `points` no node is 0 and the rule is exactly
 * symmetric, so E[ReLU′(z)²] = ½ holds to rounding.
 *
 * Defaults: none (`points` is an integer in [2, 150]; beyond that the smallest weights underflow).
 *
 * @example
 * const { nodes, weights } = gaussHermite(20);
 * nodes.reduce((sum, z, i) => sum + weights[i]! * z ** 4, 0); // 3 (E[z⁴] of a standard normal)
 * Source: Abramowitz & Stegun 25.4.46; Golub & Welsch 1969, "Calculation of Gauss quadrature rules".
 */
export function gaussHermite(points: number): GaussianQuadrature {
  const n = requireInteger('gaussHermite', 'points', points, 2);
  if (n > 150) throw new RangeError(`gaussHermite: points must be at most 150, got ${n}`);
  const cached = cache.get(n);
  if (cached) return cached;
  const roots = new Float64Array(n);
  const weights = new Float64Array(n);
  const piQuarter = Math.pow(Math.PI, -0.25);
  // Orthonormal Hermite polynomial p_n and p_{n-1} at x.
  const evaluate = (x: number): [number, number] => {
    let previous = 0;
    let current = piQuarter;
    for (let j = 1; j <= n; j++) {
      const next = x * Math.sqrt(2 / j) * current - Math.sqrt((j - 1) / j) * previous;
      previous = current;
      current = next;
    }
    return [current, previous];
  };
  const half = Math.floor(n / 2);
  let x = 0;
  // Largest roots first; starting guesses from the asymptotic spacing of Hermite zeros.
  for (let i = 0; i < half; i++) {
    if (i === 0) x = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -1 / 6);
    else if (i === 1) x -= (1.14 * Math.pow(n, 0.426)) / x;
    else if (i === 2) x = 1.86 * x - 0.86 * roots[n - 1]!;
    else if (i === 3) x = 1.91 * x - 0.91 * roots[n - 2]!;
    else x = 2 * x - roots[n - i + 1]!;
    for (let iteration = 0; iteration < 100; iteration++) {
      const [pn, pnMinus1] = evaluate(x);
      const step = pn / (Math.sqrt(2 * n) * pnMinus1);
      x -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
    }
    const derivative = Math.sqrt(2 * n) * evaluate(x)[1];
    const weight = 2 / (Math.sqrt(Math.PI) * derivative * derivative);
    roots[n - 1 - i] = x;
    roots[i] = -x;
    weights[n - 1 - i] = weight;
    weights[i] = weight;
  }
  if (n % 2 === 1) {
    const derivative = Math.sqrt(2 * n) * evaluate(0)[1];
    roots[half] = 0;
    weights[half] = 2 / (Math.sqrt(Math.PI) * derivative * derivative);
  }
  const rule = { nodes: roots.map((root) => root * Math.SQRT2), weights };
  cache.set(n, rule);
  return rule;
}
