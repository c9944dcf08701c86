import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { stabilize } from '@gs/core';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { centralizeGradients } from './centralize-gradients.js';

const backends = await testBackends();

/** Runs one SGD(1) step from w = 0 with the constant gradients `grads` through the plugin; returns −Δw (the gradients applied). */
async function appliedGradients(grads: tf.Tensor[]): Promise<number[][]> {
  const variables = grads.map((g) => tf.variable(tf.zerosLike(g)));
  const optimizer = stabilize(tf.train.sgd(1), [centralizeGradients()]);
  optimizer.minimize(() => tf.addN(variables.map((v, i) => tf.sum(tf.mul(v, grads[i]!)))) as tf.Scalar, false, variables);
  const applied = await Promise.all(variables.map(async (v) => Array.from(await v.data(), (value) => -value)));
  optimizer.dispose();
  tf.dispose(variables);
  return applied;
}

describeBackends('centralizeGradients', backends, () => {
  it('subtracts the per-output-unit mean of kernels (tfjs layout [in, out]); vectors are unchanged', async () => {
    // Yong et al. 2020, eq. 3 (per output unit). Optax's docstring example [[1, 2, 3], [4, 5, 6]]
    // in tfjs's [in = 2, out = 3] layout: the column means 2.5, 3.5, 4.5 are subtracted.
    const [kernel, bias] = await appliedGradients([tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor1d([1, 2, 3])]);
    await expectClose(kernel!, [-1.5, -1.5, -1.5, 1.5, 1.5, 1.5]);
    await expectClose(bias!, [1, 2, 3]);
  });

  it('reduces a conv kernel [h, w, in, out] over every axis but the last', async () => {
    const values = Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => (i * 7) % 5);
    const [applied] = await appliedGradients([tf.tensor4d(values, [2, 2, 3, 2])]);
    for (const unit of [0, 1]) {
      const column = applied!.filter((_, i) => i % 2 === unit);
      const mean = values.filter((_, i) => i % 2 === unit).reduce((a, b) => a + b, 0) / column.length;
      await expectClose(column, values.filter((_, i) => i % 2 === unit).map((value) => value - mean), { rtol: 1e-5, atol: 1e-5 });
    }
  });
});

describe('centralizeGradients invariants (fast-check)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('every output unit of the result has mean 0, and centralizing twice changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: 20, maxLength: 20 }),
        async (inputs, outputs, pool) => {
          const values = Array.from({ length: inputs * outputs }, (_, i) => pool[i % pool.length]!);
          const [once] = await appliedGradients([tf.tensor2d(values, [inputs, outputs])]);
          const [twice] = await appliedGradients([tf.tensor2d(once!, [inputs, outputs])]);
          for (let unit = 0; unit < outputs; unit++) {
            const column = once!.filter((_, i) => i % outputs === unit);
            expect(Math.abs(column.reduce((a, b) => a + b, 0) / inputs)).toBeLessThan(1e-3);
          }
          await expectClose(twice!, once!, { rtol: 1e-4, atol: 1e-3 });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => centralizeGradients({ axis: 0 } as never)).toThrow(/centralizeGradients: unknown option 'axis'/);
    expect(() => centralizeGradients('all' as never)).toThrow(/centralizeGradients: options must be/);
  });
});
