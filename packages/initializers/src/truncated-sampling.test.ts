import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';
import { sampleMoments, normalCdf, normalDensity } from './test-utils.js';
import { truncatedStandardNormal } from './truncated-sampling.js';
import { TRUNCATED_STDDEV_CORRECTION } from './variance-scaling.js';

/**
 * Mean and variance of N(0, 1) truncated to [a, b] (Johnson, Kotz & Balakrishnan, "Continuous
 * univariate distributions" vol. 1, §10.1): with Z = Φ(b) − Φ(a),
 * mean = (φ(a) − φ(b)) / Z, variance = 1 + (aφ(a) − bφ(b)) / Z − mean².
 */
function truncatedMoments(a: number, b: number): { mean: number; variance: number } {
  const z = normalCdf(b) - normalCdf(a);
  const phiA = normalDensity(a);
  const phiB = normalDensity(b);
  const mean = (phiA - phiB) / z;
  const aTerm = Number.isFinite(a) ? a * phiA : 0;
  const bTerm = Number.isFinite(b) ? b * phiB : 0;
  return { mean, variance: 1 + (aTerm - bTerm) / z - mean * mean };
}

describe('truncatedStandardNormal', () => {
  it("Keras's correction 0.87962566103423978 is the standard deviation of N(0,1) cut at ±2", () => {
    expect(Math.sqrt(truncatedMoments(-2, 2).variance)).toBeCloseTo(TRUNCATED_STDDEV_CORRECTION, 9);
  });

  // Every branch of the sampler: around 0 (wide and narrow), one-sided tails near and far, both signs.
  const intervals: Array<[number, number]> = [
    [-2, 2],
    [-0.3, 0.2],
    [0.5, 1],
    [0, Infinity],
    [3, Infinity],
    [5, 6],
    [-Infinity, -4],
    [-1, 10],
  ];
  for (const [a, b] of intervals) {
    it(`stays in [${a}, ${b}] with the analytic mean and variance`, () => {
      const random = new SeededRandom(3);
      const values = Float64Array.from({ length: 100_000 }, () => truncatedStandardNormal(random, a, b));
      expect(values.every((z) => z >= a && z <= b)).toBe(true);
      const expected = truncatedMoments(a, b);
      const { mean, variance } = sampleMoments(values);
      const standardError = Math.sqrt(expected.variance / values.length);
      expect(Math.abs(mean - expected.mean)).toBeLessThan(5 * standardError);
      expect(Math.abs(variance / expected.variance - 1)).toBeLessThan(0.03);
    });
  }
});
