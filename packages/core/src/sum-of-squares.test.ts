import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { sumOfSquares } from './sum-of-squares.js';

describeBackends('sumOfSquares', await testBackends(), () => {
  it('equals Σx² for scalars, vectors and 4-D tensors, and propagates NaN and Infinity', async () => {
    // Reference: numpy.sum(numpy.square(x)).
    await expectClose(sumOfSquares(tf.scalar(-3)), [9]);
    await expectClose(sumOfSquares(tf.tensor1d([1, -2, 2])), [9]);
    const x = tf.range(0, 24).reshape([2, 3, 2, 2]);
    await expectClose(sumOfSquares(x), [4324], { rtol: 1e-6 }); // Σ_{k<24} k² = 23·24·47/6
    expect(sumOfSquares(x).shape).toEqual([]);
    await expectClose(sumOfSquares(tf.tensor1d([1, Number.NaN])), [Number.NaN]);
    await expectClose(sumOfSquares(tf.tensor1d([1, Number.POSITIVE_INFINITY])), [Number.POSITIVE_INFINITY]);
    const before = tf.memory().numTensors;
    sumOfSquares(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
