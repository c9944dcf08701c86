import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { jacobianSpectrum } from './jacobian-spectrum.js';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';

const backends = await testBackends();

/** gain·Q for a random orthogonal Q (tfjs's QR of a Gaussian matrix; this package may not import @gs/initializers). */
function orthogonalMatrix(size: number, seed: number, gain = 1): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.linalg.qr(tf.randomNormal([size, size], 0, 1, 'float32', seed) as tf.Tensor2D)[0], gain) as tf.Tensor2D);
}

/** A chain of linear Dense layers (no bias) with the given kernels. */
function linearChain(kernels: tf.Tensor2D[]): tf.LayersModel {
  return tf.sequential({
    layers: kernels.map((kernel, i) =>
      tf.layers.dense({ units: kernel.shape[1], useBias: false, weights: [kernel], ...(i === 0 ? { inputShape: [kernel.shape[0]] } : {}) }),
    ),
  });
}

it('symmetricEigenvalues: known spectra (numpy.linalg.eigvalsh)', () => {
  // numpy.linalg.eigvalsh([[2, 1, 0], [1, 2, 1], [0, 1, 2]]) → [2 − √2, 2, 2 + √2]
  const values = symmetricEigenvalues([2, 1, 0, 1, 2, 1, 0, 1, 2], 3);
  [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((expected, i) => expect(values[i]).toBeCloseTo(expected, 12));
  expect(symmetricEigenvalues([5, 0, 0, -1], 2)).toEqual([-1, 5]);
  // A random symmetric matrix: the eigenvalues sum to the trace and their squares to ‖A‖_F².
  const size = 12;
  const random = Array.from({ length: size * size }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const symmetric = random.map((_, i) => random[i]! + random[(i % size) * size + Math.floor(i / size)]!);
  const eigen = symmetricEigenvalues(symmetric, size);
  const trace = Array.from({ length: size }, (_, i) => symmetric[i * size + i]!).reduce((a, b) => a + b, 0);
  expect(eigen.reduce((a, b) => a + b, 0)).toBeCloseTo(trace, 10);
  expect(eigen.reduce((a, b) => a + b * b, 0)).toBeCloseTo(symmetric.reduce((a, b) => a + b * b, 0), 9);
});

describeBackends('jacobianSpectrum', backends, () => {
  it('a chain of orthogonal linear layers has every singular value exactly 1 (J is orthogonal)', async () => {
    const kernels = Array.from({ length: 8 }, (_, i) => orthogonalMatrix(16, i + 1));
    const model = linearChain(kernels);
    const batch = tf.randomNormal([5, 16], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const spectrum = await jacobianSpectrum(model, batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(spectrum.singularValues).toHaveLength(5 * 16);
    for (const value of spectrum.singularValues) expect(Math.abs(value - 1)).toBeLessThan(1e-4);
    expect(spectrum.meanSquaredSingularValue).toBeCloseTo(1, 4);
    expect(spectrum.squaredSingularValueVariance).toBeLessThan(1e-7);
    expect(spectrum.text).toMatch(/mean s² 1(\.00)?, .* over 5 examples \(J is 16×16\)/);
    model.dispose();
    tf.dispose([batch, ...kernels]);
  });

  it('gains multiply, and a diagonal layer gives its diagonal; a wide output uses JᵀJ', async () => {
    const kernels = [0.5, 3, 2].map((gain, i) => orthogonalMatrix(6, i + 7, gain));
    const chain = linearChain(kernels);
    const batch = tf.randomNormal([3, 6], 0, 1, 'float32', 1);
    for (const value of (await jacobianSpectrum(chain, batch)).singularValues) expect(value).toBeCloseTo(3, 4);
    const diagonal = linearChain([tf.tensor2d([[1, 0], [0, 2], [0, 0]])]); // 3 inputs → 2 outputs: s = 1, 2
    const diagonalSpectrum = await jacobianSpectrum(diagonal, tf.ones([4, 3]), { examples: 2 });
    expect(diagonalSpectrum.singularValues.map((value) => Number(value.toFixed(5)))).toEqual([1, 1, 2, 2]);
    expect(diagonalSpectrum.meanSquaredSingularValue).toBeCloseTo(2.5, 5);
    expect(diagonalSpectrum.squaredSingularValueVariance).toBeCloseTo(2.25, 5);
    const widening = linearChain([tf.tensor2d([[3, 0, 0]])]); // 1 input → 3 outputs: one singular value, 3
    expect((await jacobianSpectrum(widening, tf.ones([1, 1]))).singularValues.map((value) => Number(value.toFixed(5)))).toEqual([3]);
    for (const built of [chain, diagonal, widening]) built.dispose();
    tf.dispose([batch, ...kernels]);
  });

  it('tanh at σ_w² = 1: near-isometric when pre-activations are small, contracting when they saturate', async () => {
    const kernels = Array.from({ length: 10 }, (_, i) => orthogonalMatrix(32, 20 + i));
    const model = tf.sequential({
      layers: kernels.map((kernel, i) =>
        tf.layers.dense({ units: 32, activation: 'tanh', useBias: false, weights: [kernel], ...(i === 0 ? { inputShape: [32] } : {}) }),
      ),
    });
    const small = tf.randomNormal([4, 32], 0, 0.01, 'float32', 2);
    const large = tf.randomNormal([4, 32], 0, 3, 'float32', 2);
    const linear = await jacobianSpectrum(model, small);
    const saturated = await jacobianSpectrum(model, large);
    expect(Math.abs(linear.meanSquaredSingularValue - 1)).toBeLessThan(0.01);
    expect(saturated.meanSquaredSingularValue).toBeLessThan(0.5);
    model.dispose();
    tf.dispose([small, large, ...kernels]);
  });
});

it('rejects a bad model, batch or option', async () => {
  const model = linearChain([tf.eye(3) as tf.Tensor2D]);
  await expect(jacobianSpectrum(null as never, tf.ones([1, 3]))).rejects.toThrow(/jacobianSpectrum: model must be/);
  await expect(jacobianSpectrum(model, [1, 2, 3] as never)).rejects.toThrow(/jacobianSpectrum: batch must be/);
  await expect(jacobianSpectrum(model, tf.ones([2, 4]))).rejects.toThrow(/batch must be shaped like the model's input \[n, 3\], got \[2, 4\]/);
  await expect(jacobianSpectrum(model, tf.ones([2, 3]), { examples: 3 })).rejects.toThrow(/examples must be at most the batch size 2, got 3/);
  await expect(jacobianSpectrum(model, tf.ones([2, 3]), { example: 1 } as never)).rejects.toThrow(/unknown option 'example' \(did you mean 'examples'\?\)/);
  model.dispose();
});
