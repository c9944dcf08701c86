import { describe, expect, it } from 'vitest';
import { SeededRandom } from './random.js';
import { sampleMoments } from './test-utils.js';

describe('SeededRandom', () => {
  it('gives the same stream for the same seed and different streams for different seeds (0 included)', () => {
    const stream = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 16 }, () => random.nextUint32());
    };
    expect(stream(0)).toEqual(stream(0));
    expect(stream(0)).not.toEqual(stream(1));
    expect(stream(42)).not.toEqual(stream(43));
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const random = new SeededRandom(7);
    const values = Float64Array.from({ length: 200_000 }, () => random.uniform());
    expect(values.every((u) => u > 0 && u < 1)).toBe(true);
    const { mean, variance } = sampleMoments(values);
    // Standard errors: sqrt(1/12/n) ≈ 6.5e-4 for the mean; the variance's is ≈ 1.9e-4.
    expect(Math.abs(mean - 0.5)).toBeLessThan(3e-3);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(1e-3);
  });

  it('draws standard normals: mean 0, variance 1, P(|z| > 1.96) ≈ 0.05', () => {
    const random = new SeededRandom(11);
    const values = Float64Array.from({ length: 200_000 }, () => random.normal());
    const { mean, variance } = sampleMoments(values);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    const tail = values.filter((z) => Math.abs(z) > 1.959963984540054).length / values.length;
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.003);
  });
});
