import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, expectNoLeak, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { reZero } from './re-zero.js';
import { residual } from './residual.js';
import { residualMlp } from './residual-mlp.js';
import { skipInit } from './skip-init.js';

const backends = await testBackends();

/** The stem output and every block's output of a model built by residualMlp, in order. */
function blockOutputsModel(model: tf.LayersModel, depth: number): tf.LayersModel {
  const outputs = [model.getLayer('stem').output as tf.SymbolicTensor];
  for (let i = 0; i < depth; i++) outputs.push(model.getLayer(`block${i}_add`).output as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs });
}

describeBackends('residual', backends, () => {
  it('ReZero and SkipInit networks are exactly the identity on the residual path at init', async () => {
    const depth = 6;
    const x = tf.randomNormal([5, 12], 0, 1, 'float32', 4);
    for (const gate of ['reZero', 'skipInit', 'none'] as const) {
      const model = residualMlp({ inputShape: [12], depth, width: 16, gate, seed: 3 });
      const probe = blockOutputsModel(model, depth);
      const outputs = probe.predict(x) as tf.Tensor[];
      for (let i = 1; i <= depth; i++) {
        const [input, output] = [await outputs[i - 1]!.data(), await outputs[i]!.data()];
        const identical = input.every((v, k) => v === output[k]);
        // With gate 'none' the branches are live, so blocks change their input: the check can fail.
        expect(identical, `${gate} block ${i - 1}`).toBe(gate !== 'none');
      }
      tf.dispose(outputs);
      model.dispose();
    }
    x.dispose();
  });

  it("projects the shortcut with a bias-free Dense when the width changes: y = x·P + F(x)", async () => {
    const input = tf.input({ shape: [5] });
    const branch = tf.layers.dense({ units: 8, activation: 'tanh', name: 'widen_dense' });
    const model = tf.model({ inputs: input, outputs: residual(input, [branch], { name: 'widen' }) });
    const projection = model.getLayer('widen_projection');
    expect(projection.getClassName()).toBe('Dense');
    expect(projection.getWeights()).toHaveLength(1); // kernel only, no bias
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 8);
    const [kernel, bias] = branch.getWeights();
    const expected = tf.add(tf.matMul(x, projection.getWeights()[0]!), tf.tanh(tf.add(tf.matMul(x, kernel!), bias!)));
    await expectClose(model.predict(x) as tf.Tensor, expected, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, expected]);
    model.dispose();
  });

  it('projects with a strided 1×1 Conv2D when channels and spatial size change', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const branch = tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', name: 'down_conv' });
    const model = tf.model({ inputs: input, outputs: residual(input, [branch], { name: 'down' }) });
    const projection = model.getLayer('down_projection');
    expect(projection.getClassName()).toBe('Conv2D');
    expect((model.outputs[0]!.shape as number[]).slice(1)).toEqual([4, 4, 6]);
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 9);
    // A 1×1 conv with stride 2 is a matrix product on every second pixel: x[:, ::2, ::2, :] @ P.
    const strided = tf.stridedSlice(x, [0, 0, 0, 0], [2, 8, 8, 3], [1, 2, 2, 1]);
    const shortcut = tf.reshape(tf.matMul(tf.reshape(strided, [32, 3]), tf.reshape(projection.getWeights()[0]!, [3, 6])), [2, 4, 4, 6]);
    const expected = tf.add(shortcut, branch.apply(x) as tf.Tensor);
    await expectClose(model.predict(x) as tf.Tensor, expected, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, strided, shortcut, expected]);
    model.dispose();
  });

  it('computes the DeepNorm post-norm block LN(α·x + F(x)) and a pre-norm block x + F(LN(x))', async () => {
    const alpha = 1.5;
    const input = tf.input({ shape: [4] });
    const postBranch = tf.layers.dense({ units: 4, name: 'post_dense' });
    const preBranch = tf.layers.dense({ units: 4, name: 'pre_dense' });
    const post = residual(input, [postBranch], { shortcutScale: alpha, postNorm: 'layerNormalization', name: 'post' });
    const pre = residual(input, [preBranch], { preNorm: 'layerNormalization', name: 'pre' });
    const model = tf.model({ inputs: input, outputs: [post, pre] });
    const x = tf.tensor2d([[1, -2, 0.5, 3], [0, 0.1, -1, 2]]);
    // tfjs layerNormalization defaults: epsilon 1e-3, gamma 1, beta 0 (Keras semantics).
    const layerNorm = (z: tf.Tensor) => {
      const { mean, variance } = tf.moments(z, -1, true);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-3)));
    };
    const dense = (layer: tf.layers.Layer, z: tf.Tensor) => tf.add(tf.matMul(z as tf.Tensor2D, layer.getWeights()[0]! as tf.Tensor2D), layer.getWeights()[1]!);
    const [postOut, preOut] = model.predict(x) as tf.Tensor[];
    await expectClose(postOut!, layerNorm(tf.add(tf.mul(x, alpha), dense(postBranch, x))), { rtol: 1e-4, atol: 1e-5 });
    await expectClose(preOut!, tf.add(x, dense(preBranch, layerNorm(x))), { rtol: 1e-4, atol: 1e-5 });
    model.dispose();
  });

  it('trains under fit with a function branch and gates, without leaking tensors', async () => {
    const input = tf.input({ shape: [6] });
    let x = input;
    for (let i = 0; i < 3; i++) {
      x = residual(x, (h) => tf.layers.dense({ units: 6, activation: 'relu' }).apply(h) as tf.SymbolicTensor, {
        gate: [skipInit({ initialValue: 0.1 }), reZero()],
        preNorm: () => tf.layers.layerNormalization(),
      });
    }
    const model = tf.model({ inputs: input, outputs: x });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([16, 6], 0, 1, 'float32', 5);
    const ys = tf.mul(xs, 2);
    const history = await model.fit(xs, ys, { epochs: 8, batchSize: 16, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    await expectNoLeak(() => model.trainOnBatch(xs, ys), { steps: 15 });
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('residual bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects a mismatched branch output without projection, naming both shapes', () => {
    const input = tf.input({ shape: [5] });
    expect(() => residual(input, [tf.layers.dense({ units: 7 })], { projection: 'none' })).toThrow(
      /residual: the branch output shape \[7\] differs from the input shape \[5\] and projection is 'none'/,
    );
  });

  it("explains when 'auto' cannot project, and rejects bad options", () => {
    const sequence = tf.input({ shape: [10, 4] });
    const shrink = tf.layers.conv1d({ filters: 4, kernelSize: 3 });
    expect(() => residual(sequence, [shrink])).toThrow(/projection 'auto' cannot map the shortcut shape \[10, 4\] to the branch output shape \[8, 4\]/);
    const input = tf.input({ shape: [5] });
    expect(() => residual(input, [])).toThrow(/residual: branch must be a non-empty array of layers/);
    expect(() => residual(input, [tf.layers.dense({ units: 5 })], { projection: 'dense' as never })).toThrow(
      /residual: projection must be one of "auto", "none", got "dense"/,
    );
    expect(() => residual(input, [tf.layers.dense({ units: 5 })], { gate: 'reZero' as never })).toThrow(/residual: gate\[0\] must be a tf\.layers\.Layer, got "reZero"/);
    expect(() => residual(input, [tf.layers.dense({ units: 5 })], { shortcutScale: -1 })).toThrow(/residual: shortcutScale must be a finite number > 0, got -1/);
    expect(() => residual(input, [tf.layers.dense({ units: 5 })], { preNorm: 'groupNorm' as never })).toThrow(/residual: preNorm must be one of "layerNormalization", "batchNormalization"/);
    expect(() => residual(input, [tf.layers.dense({ units: 5 })], { gates: [] } as never)).toThrow(/residual: unknown option 'gates'/);
    expect(() => residual(tf.ones([2, 5]) as never, [tf.layers.dense({ units: 5 })])).toThrow(/residual: input must be a tf\.SymbolicTensor/);
  });
});
