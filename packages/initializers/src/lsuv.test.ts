import * as tf from '@tensorflow/tfjs';
import { buildMlp, describeBackends, expectNoLeak, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsuv } from './lsuv.js';

const backends = await testBackends();

/** Variance of each Dense layer's pre-activation output, measured independently of lsuv: x·W + b. */
async function preActivationVariances(model: tf.LayersModel, xs: tf.Tensor): Promise<number[]> {
  const variances: number[] = [];
  let input = xs.clone();
  for (const layer of model.layers) {
    const [kernel, bias] = layer.getWeights();
    const pre = tf.add(tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D), bias!);
    const variance = tf.moments(pre).variance;
    variances.push((await variance.data())[0]!);
    const next = layer.apply(input) as tf.Tensor;
    tf.dispose([pre, variance, input]);
    input = next;
  }
  input.dispose();
  return variances;
}

describeBackends('lsuv (Mishkin & Matas 2016)', backends, () => {
  let xs: tf.Tensor;
  beforeAll(() => {
    xs = tf.randomNormal([64, 32], 0, 3, 'float32', 5);
  });
  afterAll(() => xs.dispose());

  for (const activation of ['relu', 'tanh'] as const) {
    it(`brings every layer of a 20-layer ${activation} MLP to |Var − 1| ≤ tolerance`, async () => {
      const model = buildMlp({ inputSize: 32, depth: 19, width: 32, activation, outputUnits: 8 });
      const results = await lsuv(model, xs, { seed: 1, tolerance: 0.05 });
      expect(results).toHaveLength(20);
      for (const result of results) {
        expect(result.converged, result.layerName).toBe(true);
        expect(Math.abs(result.variance - 1)).toBeLessThanOrEqual(0.05);
      }
      // Measured again from scratch, after every layer was done (later layers do not change earlier ones).
      for (const variance of await preActivationVariances(model, xs)) expect(Math.abs(variance - 1)).toBeLessThanOrEqual(0.05 + 1e-4);
      model.dispose();
    });
  }

  it('does not leak tensors', async () => {
    const model = buildMlp({ inputSize: 32, depth: 3, width: 16 });
    await expectNoLeak(() => lsuv(model, xs, { seed: 2 }), { warmup: 1, steps: 3 });
    model.dispose();
  });
});

describe('lsuv input checks', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects bad options and a dead layer', async () => {
    const model = buildMlp({ inputSize: 4, depth: 1, width: 4 });
    const xs = tf.ones([8, 4]);
    await expect(lsuv(model, xs, { tolerance: 0 })).rejects.toThrow(/lsuv: tolerance must be a finite number > 0, got 0/);
    await expect(lsuv(model, xs, { maxIterations: -1 })).rejects.toThrow(/lsuv: maxIterations must be an integer ≥ 0, got -1/);
    await expect(lsuv(model, 'x' as never)).rejects.toThrow(/lsuv: batch must be a tf.Tensor of shape \[batch, 4\] \(the model's input\), got "x"/);
    const wrongShape = tf.zeros([8, 5]);
    await expect(lsuv(model, wrongShape)).rejects.toThrow(/lsuv: batch must be a tf.Tensor of shape \[batch, 4\].*got a float32 tensor of shape \[8,5\]/);
    wrongShape.dispose();
    // A constant batch gives every unit the same value across samples… but not across units; all-zero input is dead.
    const zeros = tf.zeros([8, 4]);
    await expect(lsuv(model, zeros)).rejects.toThrow(/has output variance 0 on this batch/);
    tf.dispose([xs, zeros]);
    model.dispose();
  });
});
