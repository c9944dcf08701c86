import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { haarOrthogonal } from './haar-orthogonal.js';
import { orthogonal } from './orthogonal.js';
import { SeededRandom } from './random.js';
import { gramDeviation, sampleMoments } from './test-utils.js';

const backends = await testBackends();

describeBackends('orthogonal', backends, () => {
  // Square, tall, wide, conv [3, 3, 16, 64] (flattened to 144 × 64) and an LSTM recurrent kernel (wide).
  const cases: Array<[number[], number]> = [
    [[64, 64], 1],
    [[200, 50], 1.5],
    [[40, 160], Math.SQRT2],
    [[3, 3, 16, 64], 1],
    [[32, 128], 1],
  ];
  for (const [shape, gain] of cases) {
    it(`[${shape}] gain ${gain.toFixed(3)}: WᵀW (or WWᵀ) = gain²·I to 1e-4`, async () => {
      const tensor = orthogonal({ gain, seed: 5 }).apply(shape, 'float32');
      expect(tensor.shape).toEqual(shape);
      const values = await tensor.data();
      tensor.dispose();
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      expect(gramDeviation(values, rows, shape[shape.length - 1]!, gain * gain)).toBeLessThan(1e-4);
    });
  }

  it('same seed → same tensor, different seeds differ', async () => {
    const read = async (seed: number) => {
      const t = orthogonal({ seed }).apply([32, 32]);
      const values = Array.from(await t.data());
      t.dispose();
      return values;
    };
    expect(await read(1)).toEqual(await read(1));
    expect(await read(1)).not.toEqual(await read(2));
    expect(await read(0)).not.toEqual(await read(1));
  });

  it('builds an LSTM(128) recurrent kernel quickly (tfjs: ~10 s)', async () => {
    const start = performance.now();
    const model = tf.sequential({
      layers: [tf.layers.lstm({ units: 128, inputShape: [4, 8], recurrentInitializer: orthogonal({ seed: 1 }) })],
    });
    const elapsed = performance.now() - start;
    const recurrent = model.getWeights()[1]!;
    expect(recurrent.shape).toEqual([128, 512]);
    expect(gramDeviation(await recurrent.data(), 128, 512, 1)).toBeLessThan(1e-4);
    expect(elapsed).toBeLessThan(5000);
    model.dispose();
  });
});

describe('haarOrthogonal distribution', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is Haar: tr(Q) has mean 0 and variance 1, each entry mean 0 and variance 1/n (a missing sign fix biases the diagonal)', () => {
    // For Q Haar on O(n), E[tr Q] = 0 and E[(tr Q)²] = 1 (Diaconis & Shahshahani 1994); E[Q_ij] = 0, E[Q_ij²] = 1/n.
    // QR of a Gaussian without Q·diag(sign(diag R)) gives E[Q_ii] > 0 (Mezzadri 2007, §4).
    const n = 8;
    const draws = 4000;
    const random = new SeededRandom(17);
    const traces = new Float64Array(draws);
    const corner = new Float64Array(draws);
    for (let d = 0; d < draws; d++) {
      const q = haarOrthogonal(n, n, random);
      for (let i = 0; i < n; i++) traces[d] += q[i * n + i]!;
      corner[d] = q[0]!;
    }
    const trace = sampleMoments(traces);
    expect(Math.abs(trace.mean)).toBeLessThan(0.08); // standard error 1/√4000 ≈ 0.016
    expect(Math.abs(trace.variance - 1)).toBeLessThan(0.1);
    const entry = sampleMoments(corner);
    expect(Math.abs(entry.mean)).toBeLessThan(0.03);
    expect(Math.abs(entry.variance - 1 / n)).toBeLessThan(0.015);
  });

  it('keeps orthogonality to ~1e-14 in float64 at 512 × 512, tall and wide', () => {
    for (const [rows, cols] of [[256, 256], [300, 120], [90, 270]] as const) {
      expect(gramDeviation(haarOrthogonal(rows, cols, new SeededRandom(rows)), rows, cols, 1)).toBeLessThan(1e-12);
    }
  });

  it('rejects rank < 2 and bad gains', () => {
    expect(() => orthogonal().apply([5])).toThrow(/orthogonal: shape must have rank ≥ 2.*got \[5\]/);
    expect(() => orthogonal({ gain: Number.POSITIVE_INFINITY })).toThrow(/orthogonal: gain must be a finite number, got Infinity/);
    expect(() => orthogonal({ seed: 'a' as never })).toThrow(/orthogonal: seed must be a finite number, got "a"/);
  });
});
