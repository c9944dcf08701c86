import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { adaptiveClip, excludeOutputLayer, unitwiseNorm } from './adaptive-clip.js';
import { paramsFor, transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: Optax `adaptive_grad_clip(clipping=0.5, eps=1e-3)`: for each leaf,
// g_norm, p_norm = unitwise_norm(g), unitwise_norm(w)   (rank 1: whole vector; rank 2 [in, out]: axis 0)
// max_norm = clipping * maximum(p_norm, eps)
// out = where(g_norm < max_norm, g, g * max_norm / maximum(g_norm, 1e-6)). With numpy:
//   W1 = [[1, 0, 2], [2, 0, -1]]; g1 = [[3, -4, .5], [1, 2, -2]]  → column norms of W1: [√5, 0, √5]
//     g_norm = [3.1622776602, 4.472135955, 2.0615528128]; max = [1.1180339887, 0.0005, 1.1180339887]
//     out = [1.0606601718, -4.4721359550e-04, 2.7116307227e-01, 3.5355339059e-01, 2.2360679775e-04, -1.0846522891]
//   W2 = [0, 0, 0] (zero-initialized bias); g2 = [.5, -1.5, 2.5] → g_norm 2.9580398915, max 0.0005
//     out = [8.4515425473e-05, -2.5354627642e-04, 4.2257712736e-04]
describeBackends('adaptiveClip golden values (Optax adaptive_grad_clip / NFNets AGC)', backends, () => {
  const grads = () => ({ 'd/kernel': tf.tensor2d([[3, -4, 0.5], [1, 2, -2]]), 'd/bias': tf.tensor1d([0.5, -1.5, 2.5]) });
  const weights = () => ({ 'd/kernel': tf.tensor2d([[1, 0, 2], [2, 0, -1]]), 'd/bias': tf.zeros([3]) });

  it('clips each output unit relative to its weight norm; a zero bias uses the eps floor', async () => {
    const g = grads();
    const { grads: out, values } = await transformOnce(adaptiveClip({ clipping: 0.5, eps: 1e-3 }), g, { weights: weights() });
    await expectClose(out['d/kernel']!, [1.0606601718, -4.472135955e-4, 2.7116307227e-1, 3.5355339059e-1, 2.2360679775e-4, -1.0846522891], { rtol: 1e-5 });
    await expectClose(out['d/bias']!, [8.4515425473e-5, -2.5354627642e-4, 4.2257712736e-4], { rtol: 1e-5 });
    expect(values['clipped']).toEqual([1, 1]);
    // Recorded per-tensor norms: ‖g1‖ = sqrt(34.25) = 5.8523499554, ‖g2‖ = sqrt(8.75) = 2.9580398915.
    await expectClose(values['norm'] as number[], [5.8523499554, 2.9580398915], { rtol: 1e-6 });
    tf.dispose(Object.values(g));
  });

  it('passes gradients under the limit and excluded parameters through unchanged', async () => {
    const g = grads();
    // 1e4 · max(‖W_u‖, 1e-3) ≥ 10 for every unit (even the all-zero middle column) > every ‖G_u‖.
    const loose = await transformOnce(adaptiveClip({ clipping: 1e4 }), g, { weights: weights() });
    expect(loose.grads['d/kernel']).toEqual([3, -4, 0.5, 1, 2, -2]);
    expect(loose.values['clipped']).toEqual([0, 0]);
    const byName = await transformOnce(adaptiveClip({ clipping: 0.5, exclude: ['d/bias'] }), g, { weights: weights() });
    expect(byName.grads['d/bias']).toEqual([0.5, -1.5, 2.5]);
    expect(byName.grads['d/kernel']).not.toEqual([3, -4, 0.5, 1, 2, -2]);
    const byLayer = await transformOnce(adaptiveClip({ clipping: 0.5, exclude: ['d'] }), g, { weights: weights() });
    expect(byLayer.grads['d/kernel']).toEqual([3, -4, 0.5, 1, 2, -2]);
    tf.dispose(Object.values(g));
  });

  it('unitwiseNorm reduces all axes but the last for conv kernels [h, w, in, out]', async () => {
    const kernel = tf.reshape(tf.range(0, 24), [2, 2, 3, 2]);
    const norms = unitwiseNorm(kernel);
    expect(norms.shape).toEqual([1, 1, 1, 2]);
    // Output unit 0 holds the even numbers 0..22, unit 1 the odd numbers 1..23.
    const even = Math.sqrt(Array.from({ length: 12 }, (_, i) => (2 * i) ** 2).reduce((a, b) => a + b));
    const odd = Math.sqrt(Array.from({ length: 12 }, (_, i) => (2 * i + 1) ** 2).reduce((a, b) => a + b));
    await expectClose(norms, [even, odd], { rtol: 1e-6 });
    tf.dispose([kernel, norms]);
  });
});

describe('adaptiveClip options', () => {
  it('excludeOutputLayer selects the deepest layer', () => {
    const params = paramsFor({ 'a/kernel': tf.zeros([2, 2]), 'b/kernel': tf.zeros([2, 2]), 'c/kernel': tf.zeros([2, 1]) });
    expect(params.filter((p) => excludeOutputLayer(p, params)).map((p) => p.name)).toEqual(['c/kernel']);
  });

  it('rejects bad input with the option and value named', () => {
    expect(() => adaptiveClip({ clipping: 0 })).toThrow(/adaptiveClip: clipping must be a finite number > 0, got 0/);
    expect(() => adaptiveClip({ clipping: Number.NaN })).toThrow(/clipping must be a finite number > 0, got NaN/);
    expect(() => adaptiveClip({ eps: -1 })).toThrow(/adaptiveClip: eps must be a finite number ≥ 0, got -1/);
    expect(() => adaptiveClip({ exclude: 'dense' as unknown as string[] })).toThrow(/adaptiveClip: exclude must be an array/);
    expect(() => adaptiveClip({ clip: 0.1 } as object)).toThrow(/adaptiveClip: unknown option 'clip'/);
  });
});
