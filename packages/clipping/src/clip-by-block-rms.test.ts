import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { clipByBlockRms } from './clip-by-block-rms.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: Optax `clip_by_block_rms(threshold=1.0)`: per leaf u,
// u / maximum(1, sqrt(mean(|u|²)) / threshold). With numpy:
//   for g in (g1, g2): rms = np.sqrt((g**2).mean()); print(rms, g / max(1.0, rms / 1.0))
// g1 = [[3, -4, .5], [1, 2, -2]]: rms = 2.3892118645 → [1.2556441915, -1.6741922554, 0.2092740319, 0.4185480638, 0.8370961277, -0.8370961277]
// g2 = [.5, -1.5, 2.5]:          rms = 1.7078251277 → [0.2927700219, -0.8783100657, 1.4638501094]
// g3 = [0.5, -0.5]:              rms = 0.5 → unchanged.
describeBackends('clipByBlockRms golden values (Optax clip_by_block_rms)', backends, () => {
  it('divides each block by max(1, rms/threshold)', async () => {
    const grads = { 'd/kernel': tf.tensor2d([[3, -4, 0.5], [1, 2, -2]]), 'd/bias': tf.tensor1d([0.5, -1.5, 2.5]), 'e/bias': tf.tensor1d([0.5, -0.5]) };
    const { grads: out, values } = await transformOnce(clipByBlockRms(1), grads);
    await expectClose(out['d/kernel']!, [1.2556441915, -1.6741922554, 0.2092740319, 0.4185480638, 0.8370961277, -0.8370961277], { rtol: 1e-6 });
    await expectClose(out['d/bias']!, [0.2927700219, -0.8783100657, 1.4638501094], { rtol: 1e-6 });
    expect(out['e/bias']).toEqual([0.5, -0.5]);
    await expectClose(values['norm'] as number[], [2.3892118645, 1.7078251277, 0.5], { rtol: 1e-6 });
    await expectClose(values['scale'] as number[], [1 / 2.3892118645, 1 / 1.7078251277, 1], { rtol: 1e-6 });
    expect(values['clipped']).toEqual([1, 1, 0]);
    tf.dispose(Object.values(grads));
  });
});

describe('clipByBlockRms bad input', () => {
  it('names the option and the value', () => {
    expect(() => clipByBlockRms(0)).toThrow(/clipByBlockRms: threshold must be a finite number > 0, got 0/);
  });
});
