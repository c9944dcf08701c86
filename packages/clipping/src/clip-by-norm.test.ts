import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { clipByNorm } from './clip-by-norm.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: Keras `optimizer(clipnorm=2.0)` applies `clip_by_norm(g, 2.0)` to each gradient:
// l2 = sqrt(sum(g²)) (0 stays 0); g * clip_norm / maximum(l2, clip_norm). With numpy:
//   for g in (g1, g2): l2 = np.sqrt((g**2).sum()); print(l2, g * 2.0 / max(l2, 2.0))
// g1 = [[3, -4, .5], [1, 2, -2]]: l2 = 5.8523499554 → [1.0252291893, -1.3669722523, 0.1708715315, 0.3417430631, 0.6834861262, -0.6834861262]
// g2 = [.5, -1.5, 2.5]:          l2 = 2.9580398915 → [0.3380617019, -1.0141851057, 1.6903085095]
// g3 = [0.1, 0.2] (under):        l2 = 0.2236067977 → unchanged;  g4 = [0, 0] → unchanged (scale 1, no NaN).
describeBackends('clipByNorm golden values (Keras clipnorm)', backends, () => {
  it('rescales each tensor on its own and records per-tensor norm, scale, clipped', async () => {
    const grads = {
      'd/kernel': tf.tensor2d([[3, -4, 0.5], [1, 2, -2]]),
      'd/bias': tf.tensor1d([0.5, -1.5, 2.5]),
      'e/kernel': tf.tensor1d([0.1, 0.2]),
      'e/bias': tf.tensor1d([0, 0]),
    };
    const { grads: out, values } = await transformOnce(clipByNorm(2), grads);
    await expectClose(out['d/kernel']!, [1.0252291893, -1.3669722523, 0.1708715315, 0.3417430631, 0.6834861262, -0.6834861262], { rtol: 1e-6 });
    await expectClose(out['d/bias']!, [0.3380617019, -1.0141851057, 1.6903085095], { rtol: 1e-6 });
    expect(out['e/kernel']).toEqual(Array.from(await grads['e/kernel'].data()));
    expect(out['e/bias']).toEqual([0, 0]);
    await expectClose(values['norm'] as number[], [5.8523499554, 2.9580398915, 0.2236067977, 0], { rtol: 1e-6 });
    await expectClose(values['scale'] as number[], [2 / 5.8523499554, 2 / 2.9580398915, 1, 1], { rtol: 1e-6 });
    expect(values['clipped']).toEqual([1, 1, 0, 0]);
    tf.dispose(Object.values(grads));
  });
});

describe('clipByNorm bad input', () => {
  it('names the option and the value', () => {
    expect(() => clipByNorm(-2)).toThrow(/clipByNorm: max must be a finite number > 0, got -2/);
    expect(() => clipByNorm(Infinity)).toThrow(/got Infinity/);
  });
});
