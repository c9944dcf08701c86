import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { clipByValue } from './clip-by-value.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: PyTorch `torch.nn.utils.clip_grad_value_(params, clip_value=1.0)` clamps each
// entry to [-1, 1]; with numpy: np.clip(g, -1, 1) for
//   g1 = [[3, -4, .5], [1, 2, -2]] → [1, -1, .5, 1, 1, -1];  g2 = [.5, -1.5, 2.5] → [.5, -1, 1]
// Recorded: norm = sqrt(sum g²) = sqrt(43) = 6.5574385243; after = sqrt(5.25 + 2.25) = sqrt(7.5);
// scale = sqrt(7.5)/sqrt(43) = 0.4176345348.
describeBackends('clipByValue golden values (PyTorch clip_grad_value_)', backends, () => {
  it('clamps every entry to [-c, c] and records norm, scale, clipped', async () => {
    const grads = { 'd/kernel': tf.tensor2d([[3, -4, 0.5], [1, 2, -2]]), 'd/bias': tf.tensor1d([0.5, -1.5, 2.5]) };
    const { grads: out, values } = await transformOnce(clipByValue(1), grads);
    expect(out['d/kernel']).toEqual([1, -1, 0.5, 1, 1, -1]);
    expect(out['d/bias']).toEqual([0.5, -1, 1]);
    await expectClose([values['norm'] as number, values['scale'] as number], [6.5574385243, 0.4176345348], { rtol: 1e-6 });
    expect(values['clipped']).toBe(1);
    const under = await transformOnce(clipByValue(10), grads);
    expect(under.grads['d/kernel']).toEqual([3, -4, 0.5, 1, 2, -2]);
    expect([under.values['scale'], under.values['clipped']]).toEqual([1, 0]);
    tf.dispose(Object.values(grads));
  });
});

describe('clipByValue bad input', () => {
  it('names the option and the value', () => {
    expect(() => clipByValue(0)).toThrow(/clipByValue: max must be a finite number > 0, got 0/);
    expect(() => clipByValue(Number.NaN)).toThrow(/got NaN/);
    expect(() => clipByValue('1' as unknown as number)).toThrow(/got "1"/);
  });
});
