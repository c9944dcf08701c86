import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sparse } from './sparse.js';
import { sampleMoments, normalCdf, normalDensity } from './test-utils.js';
import { truncatedNormal } from './truncated-normal.js';

async function values(tensor: tf.Tensor): Promise<Float32Array> {
  const data = (await tensor.data()) as Float32Array;
  tensor.dispose();
  return data;
}

describe('truncatedNormal (absolute cut-offs, PyTorch trunc_normal_)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('defaults to N(0, 1) cut at [−2, 2]: variance 0.8796…² ≈ 0.7737', async () => {
    const sample = await values(truncatedNormal({ seed: 1 }).apply([512, 512]));
    expect(sample.every((v) => v >= -2 && v <= 2)).toBe(true);
    const { mean, variance } = sampleMoments(sample);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 0.87962566103423978 ** 2)).toBeLessThan(0.01);
  });

  it('uses absolute bounds: mean 1, stddev 0.5, [1.2, 3] has mean 1 + 0.5·(φ(α) − φ(β))/Z', async () => {
    // α = (1.2 − 1)/0.5 = 0.4, β = (3 − 1)/0.5 = 4; Z = Φ(β) − Φ(α).
    const alpha = 0.4;
    const beta = 4;
    const expectedMean = 1 + (0.5 * (normalDensity(alpha) - normalDensity(beta))) / (normalCdf(beta) - normalCdf(alpha));
    const sample = await values(truncatedNormal({ mean: 1, stddev: 0.5, a: 1.2, b: 3, seed: 2 }).apply([256, 256]));
    expect(sample.every((v) => v >= 1.2 && v <= 3)).toBe(true);
    expect(Math.abs(sampleMoments(sample).mean - expectedMean)).toBeLessThan(0.005);
  });

  it('samples a far tail efficiently and exactly: N(0, 1) on [6, ∞) (acceptance of plain rejection ~1e-9)', async () => {
    const sample = await values(truncatedNormal({ a: 6, b: null, seed: 3 }).apply([100, 100]));
    expect(sample.every((v) => v >= 6)).toBe(true);
    // Mills ratio: E[z | z ≥ 6] = φ(6)/(1 − Φ(6)) ≈ 6.1584.
    expect(Math.abs(sampleMoments(sample).mean - 6.1584)).toBeLessThan(0.01);
  });

  it('respects stddev 0 and mean 0 and rejects bad input', async () => {
    expect(Array.from(await values(truncatedNormal({ mean: 0.5, stddev: 0 }).apply([3])))).toEqual([0.5, 0.5, 0.5]);
    expect(() => truncatedNormal({ a: 1, b: 1 })).toThrow(/truncatedNormal: b must be greater than a \(1\), got 1/);
    expect(() => truncatedNormal({ stddev: -1 })).toThrow(/truncatedNormal: stddev must be a finite number ≥ 0, got -1/);
    expect(() => truncatedNormal({ mean: 5, stddev: 0 })).toThrow(/mean must be inside \[a, b\]/);
  });
});

describe('sparse (Martens 2010)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('zeroes exactly ⌈sparsity·in⌉ incoming weights of every unit; the rest are N(0, stddev²)', async () => {
    const [rows, cols] = [200, 300];
    const sample = await values(sparse({ sparsity: 0.9, stddev: 0.1, seed: 1 }).apply([rows, cols]));
    const kept: number[] = [];
    for (let c = 0; c < cols; c++) {
      let zeros = 0;
      for (let r = 0; r < rows; r++) {
        const v = sample[r * cols + c]!;
        if (v === 0) zeros++;
        else kept.push(v);
      }
      expect(zeros).toBe(180);
    }
    const { mean, variance } = sampleMoments(kept);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(variance / 0.01 - 1)).toBeLessThan(0.05);
  });

  it('sparsity 0 keeps everything; sparsity outside [0, 1) and non-2-D shapes are errors', async () => {
    expect((await values(sparse({ sparsity: 0, seed: 2 }).apply([10, 10]))).every((v) => v !== 0)).toBe(true);
    expect(() => sparse({ sparsity: 1 })).toThrow(/sparse: sparsity must be in \[0, 1\), got 1/);
    expect(() => sparse({ sparsity: -0.1 })).toThrow(/sparse: sparsity must be in \[0, 1\), got -0.1/);
    expect(() => sparse(undefined as never)).toThrow(/sparse: options must be an object with sparsity/);
    expect(() => sparse({ sparsity: 0.5 }).apply([3, 3, 3])).toThrow(/sparse: shape must have rank 2/);
  });
});
