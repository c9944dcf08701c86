import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, expectNoLeak, readWeights, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReZero, reZero } from './re-zero.js';
import { ResidualScale, scale } from './scale.js';
import { ScalarBias, scalarBias } from './scalar-bias.js';
import { SkipInit, skipInit } from './skip-init.js';
import { saveAndLoad, singleLayerModel } from './test-utils.js';

const backends = await testBackends();

/** One SGD step of mean-squared error on one sample x = [1, 2, 3], target t = [1, 1, 1]. */
async function oneSgdStep(layer: tf.layers.Layer, learningRate = 0.1): Promise<tf.LayersModel> {
  const model = singleLayerModel(layer, 3);
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'meanSquaredError' });
  const [x, t] = [tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 1, 1]])];
  await model.fit(x, t, { epochs: 1, batchSize: 1, verbose: 0 });
  tf.dispose([x, t]);
  return model;
}

describeBackends('scalar gates', backends, () => {
  it('reZero starts at exactly 0 and takes the analytic SGD step', async () => {
    // Reference (PyTorch): a = torch.zeros((), requires_grad=True); x = torch.tensor([1., 2., 3.]);
    // loss = ((a * x - 1) ** 2).mean(); loss.backward()  →  a.grad = (2/3)·Σ(a·x_i − 1)·x_i = −4,
    // so after SGD(lr 0.1): a = 0.4 and the layer outputs 0.4·x.
    const gate = reZero();
    const fresh = singleLayerModel(reZero(), 3);
    await expectClose(fresh.predict(tf.tensor2d([[1, -2, 3]])) as tf.Tensor, [0, -0, 0], { rtol: 0, atol: 0 });
    const model = await oneSgdStep(gate);
    await expectClose(gate.getWeights()[0]!, [0.4], { rtol: 1e-6 });
    await expectClose(model.predict(tf.tensor2d([[1, 2, 3]])) as tf.Tensor, [0.4, 0.8, 1.2], { rtol: 1e-6 });
    expect(gate.trainableWeights).toHaveLength(1);
    fresh.dispose();
    model.dispose();
  });

  it('skipInit with initialValue 0.5 takes the analytic SGD step', async () => {
    // Reference: a = 0.5; grad = (2/3)·Σ(0.5·x_i − 1)·x_i = (2/3)·(−0.5 + 0 + 1.5) = 2/3;
    // a ← 0.5 − 0.1·2/3 = 0.43333.
    const gate = skipInit({ initialValue: 0.5 });
    const model = await oneSgdStep(gate);
    await expectClose(gate.getWeights()[0]!, [0.5 - 0.1 * (2 / 3)], { rtol: 1e-6 });
    expect(new SkipInit().getConfig()['initialValue']).toBe(0);
    model.dispose();
  });

  it('scale is fixed by default and learns when trainable', async () => {
    // A fixed scale behind a trainable bias: training moves the bias, never the scale.
    const fixed = scale(0.25);
    const fixedModel = tf.sequential({ layers: [new ScalarBias({ inputShape: [3] }), fixed] });
    fixedModel.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    await fixedModel.fit(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 1, 1]]), { epochs: 2, verbose: 0 });
    await expectClose(fixed.getWeights()[0]!, [0.25], { rtol: 0, atol: 0 });
    expect(fixed.trainableWeights).toHaveLength(0);
    const bias = (await fixedModel.layers[0]!.getWeights()[0]!.data())[0]!;
    expect(bias).not.toBe(0);
    await expectClose(fixedModel.predict(tf.tensor2d([[4, 8, -4]])) as tf.Tensor, [4, 8, -4].map((v) => 0.25 * (v + bias)), { rtol: 1e-6 });
    // Trainable from 1 (Fixup's multiplier): grad = (2/3)·Σ(x_i − 1)·x_i = (2/3)·(0 + 2 + 6) = 16/3.
    const learnt = scale(1, { trainable: true });
    const learntModel = await oneSgdStep(learnt, 0.01);
    await expectClose(learnt.getWeights()[0]!, [1 - 0.01 * (16 / 3)], { rtol: 1e-6 });
    fixedModel.dispose();
    learntModel.dispose();
  });

  it('scalarBias starts at 0 and takes the analytic SGD step', async () => {
    // Reference: b = 0; loss = ((x + b − 1)²).mean(); grad = (2/3)·Σ(x_i − 1) = (2/3)·3 = 2; b ← −0.2.
    const bias = scalarBias();
    const model = await oneSgdStep(bias);
    await expectClose(bias.getWeights()[0]!, [-0.2], { rtol: 1e-6 });
    model.dispose();
  });

  it('keeps numTensors flat over 50 training steps of every scalar layer', async () => {
    const input = tf.input({ shape: [4] });
    let x = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
    for (const layer of [reZero(), skipInit({ initialValue: 0.1 }), scale(0.5), scale(1, { trainable: true }), scalarBias()]) {
      x = layer.apply(x) as tf.SymbolicTensor;
    }
    const model = tf.model({ inputs: input, outputs: x });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const [xs, ys] = [tf.randomNormal([8, 4], 0, 1, 'float32', 1), tf.randomNormal([8, 4], 0, 1, 'float32', 2)];
    await expectNoLeak(() => model.trainOnBatch(xs, ys), { steps: 50 });
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('scalar gates save and load', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('round-trips class, config and trained weights bit-exactly', async () => {
    const input = tf.input({ shape: [3] });
    let x = input;
    for (const layer of [reZero({ name: 'g_rezero' }), skipInit({ initialValue: 0.3, name: 'g_skip' }), scale(2, { name: 'g_scale' }), scalarBias({ name: 'g_bias' })]) {
      x = layer.apply(x) as tf.SymbolicTensor;
    }
    const model = tf.model({ inputs: input, outputs: x });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    await model.fit(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 1, 1]]), { epochs: 2, verbose: 0 });
    const loaded = await saveAndLoad(model);
    expect(loaded.getLayer('g_rezero')).toBeInstanceOf(ReZero);
    expect(loaded.getLayer('g_skip')).toBeInstanceOf(SkipInit);
    expect(loaded.getLayer('g_scale')).toBeInstanceOf(ResidualScale);
    expect(loaded.getLayer('g_bias')).toBeInstanceOf(ScalarBias);
    expect(loaded.getLayer('g_scale').trainable).toBe(false);
    expect(loaded.getLayer('g_skip').getConfig()['initialValue']).toBe(0.3);
    const [a, b] = [await readWeights(model), await readWeights(loaded)];
    expect(a.some((w) => w[0] !== 0 && w[0] !== 1 && w[0] !== 2)).toBe(true);
    expect(b.map((w) => Array.from(w))).toEqual(a.map((w) => Array.from(w)));
    model.dispose();
    loaded.dispose();
  });
});

describe('scalar gates bad input', () => {
  it('names the option and the value', () => {
    expect(() => scale(Number.NaN)).toThrow(/scale: value must be a finite number, got NaN/);
    expect(() => scale(1, { trainable: 'yes' as unknown as boolean })).toThrow(/scale: trainable must be true or false, got "yes"/);
    expect(() => reZero({ name: {} as never })).toThrow(/reZero: name must be a non-empty string, got \{\}/);
    expect(() => reZero(null as never)).toThrow(/reZero: options must be an object/);
    expect(() => new ReZero({ trainable: 'false' as never })).toThrow(/reZero: trainable must be true or false/);
    expect(() => skipInit({ initialValue: Infinity })).toThrow(/skipInit: initialValue must be a finite number, got Infinity/);
    expect(() => reZero({ initialValue: 1 } as never)).toThrow(/reZero: unknown option 'initialValue'/);
  });
});
