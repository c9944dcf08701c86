import * as tf from '@tensorflow/tfjs';
import { countKernelLaunches, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { ConditionalSelect, selectIf } from './select-if.js';
import { describeBothPaths } from './test-utils.js';

const bits = async (x: tf.Tensor) => Array.from(new Uint32Array((await x.data() as Float32Array).buffer));

describeBothPaths('selectIf', await testBackends(), (backend, fused) => {
  it('picks one side bit for bit (NaN, ±Infinity, −0) for boolean and 0/1 conditions, in any shape', async () => {
    const a = tf.tensor2d([[Number.NaN, -0, 1.5], [Number.POSITIVE_INFINITY, -2, 3]]);
    const b = tf.tensor2d([[0, 0, 0], [Number.NEGATIVE_INFINITY, Number.NaN, -0]]);
    for (const condition of [tf.scalar(true, 'bool'), tf.scalar(1), tf.tensor1d([7])]) {
      expect(await bits(selectIf(condition, a, b))).toEqual(await bits(a));
    }
    for (const condition of [tf.scalar(false, 'bool'), tf.scalar(0), tf.tensor1d([0])]) {
      expect(await bits(selectIf(condition, a, b))).toEqual(await bits(b));
    }
    const scalar = selectIf(tf.scalar(true, 'bool'), tf.scalar(-0), tf.scalar(4));
    expect(scalar.shape).toEqual([]);
    expect(Object.is((await scalar.data())[0], -0)).toBe(true);
  });

  it('names the problem with a condition of several entries or sides of different shapes', () => {
    expect(() => selectIf(tf.tensor1d([1, 0]), tf.ones([2]), tf.ones([2]))).toThrow(/selectIf: condition must be a tf.Tensor of rank 0 \(or any one-element tensor\), got .*\[2\]/);
    expect(() => selectIf(tf.scalar(1), tf.ones([2]), tf.ones([3]))).toThrow(/whenTrue \[2\] and whenFalse \[3\] must have the same shape/);
    expect(() => selectIf(true as unknown as tf.Tensor, tf.ones([2]), tf.ones([2]))).toThrow(/selectIf: condition must be a tf.Tensor/);
    expect(() => selectIf(tf.scalar(1), [1, 2] as unknown as tf.Tensor, tf.ones([2]))).toThrow(/selectIf: whenTrue must be a tf.Tensor/);
  });

  it('selects whole tensors with one kernel each (wasm, cpu: copying nothing), or broadcasts the condition once per shape', async () => {
    const condition = tf.greater(tf.scalar(2), 1);
    const pairs = [[tf.ones([64, 8]), tf.zeros([64, 8])], [tf.ones([8]), tf.zeros([8])], [tf.ones([64, 8]), tf.zeros([64, 8])]] as const;
    const selects = new ConditionalSelect();
    const launches = await countKernelLaunches(() => tf.tidy(() => pairs.forEach(([t, e]) => selects.select(condition, t, e))));
    const kernels = new Map(launches.byName);
    if (backend === 'webgpu') {
      expect(kernels.get('Select')).toBe(pairs.length);
      expect(launches.dispatches).toBe(pairs.length);
    } else if (fused) {
      expect(kernels.get('GradientStabilitySelectMany')).toBe(pairs.length);
      expect(launches.kernels).toBe(pairs.length);
      // The chosen side itself: same data, nothing copied.
      const [t, e] = pairs[0];
      expect(selects.select(condition, t, e).dataId).toBe(t.dataId);
      expect(selects.select(tf.scalar(0), t, e).dataId).toBe(e.dataId);
    } else {
      expect(kernels.get('Select')).toBe(pairs.length);
      // Two shapes: the condition is broadcast twice (zeros, add, not-equal each).
      expect(launches.kernels - pairs.length).toBeLessThanOrEqual(2 * 4 + 2);
    }
  });
});
