import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { buildMlp, describeBackends, expectNoLeak, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationNonlinearity, initialize, initializePlugin, schemeInitializer } from './initialize.js';
import { orthogonal, Orthogonal } from './orthogonal.js';
import { gramDeviation, sampleMoments } from './test-utils.js';
import { VarianceScaling } from './variance-scaling.js';

const backends = await testBackends();

/**
 * Variance of the first `layers` layers' outputs (post-activation) on `xs`, read in one transfer.
 * The exploding/vanishing contrasts look at the first 6 layers only: by then they have changed by
 * ~10 orders of magnitude, and further layers would only add inf/NaN or denormals (slow on cpu; on
 * WebGPU tanh of tiny inputs has an absolute error ~1e-7 that floors the variance near 1e-14, reached by tanh with N(0, 0.01) at layer ~8).
 */
async function layerVariances(model: tf.LayersModel, xs: tf.Tensor, layers = model.layers.length): Promise<number[]> {
  const outputs = model.layers.slice(0, layers).map((layer) => layer.output as tf.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs });
  const stacked = tf.tidy(() => {
    const outputs = probe.predict(xs) as tf.Tensor[];
    return tf.stack(outputs.map((output) => tf.moments(output).variance));
  });
  const values = Array.from(await stacked.data());
  stacked.dispose();
  return values;
}

/** Fraction of |a| > 0.99 in the last hidden layer's output. */
async function saturation(model: tf.LayersModel, xs: tf.Tensor): Promise<number> {
  const probe = tf.model({ inputs: model.inputs, outputs: model.layers[model.layers.length - 2]!.output as tf.SymbolicTensor });
  const fraction = tf.tidy(() => tf.mean(tf.cast(tf.greater(tf.abs(probe.predict(xs) as tf.Tensor), 0.99), 'float32')));
  const value = (await fraction.data())[0]!;
  fraction.dispose();
  return value;
}

describeBackends('deep signal propagation at init (50 layers, width 256)', backends, () => {
  let xs: tf.Tensor;
  beforeAll(() => {
    xs = tf.randomNormal([64, 256], 0, 1, 'float32', 3);
  });
  afterAll(() => xs.dispose());

  const deepMlp = (activation: string) => buildMlp({ inputSize: 256, depth: 50, width: 256, activation, outputUnits: 256 });

  it('ReLU + "he" keeps the variance per layer at ×1 (±3 %); N(0, 1) explodes (×128/layer), N(0, 0.01) vanishes', async () => {
    // He et al. 2015: with variance 2/fanIn, E[a_l²] = E[a_{l−1}²] for ReLU. A single finite-width network
    // wanders around that expectation: log Var is a random walk with variance ≈ 5·Σ 1/width
    // (Hanin & Rolnick 2018) ≈ 1 here, so max/min over 50 layers is typically 2–5; measured for seeds
    // 1–3: 4.3, 3.8, 4.4 (tanh below stays within 1.4). We test the per-layer factor and a bound of 8.
    const model = deepMlp('relu');
    initialize(model, 'he', { seed: 1 });
    const he = (await layerVariances(model, xs)).slice(0, 50);
    const perLayer = (he[49]! / he[0]!) ** (1 / 49);
    expect(Math.abs(perLayer - 1)).toBeLessThan(0.03);
    expect(Math.max(...he) / Math.min(...he)).toBeLessThan(8);
    initialize(model, 'normal', { stddev: 1, seed: 1 });
    const big = await layerVariances(model, xs, 6);
    // Each layer multiplies the variance by ≈ 256 · 1 / 2 = 128 (float32 overflows by layer ~20).
    expect((big[5]! / big[0]!) ** (1 / 5)).toBeGreaterThan(100);
    initialize(model, 'normal', { stddev: 0.01, seed: 1 });
    const small = await layerVariances(model, xs, 6);
    // ×(256 · 1e-4 / 2) ≈ 0.0128 per layer.
    expect((small[5]! / small[0]!) ** (1 / 5)).toBeLessThan(0.02);
    model.dispose();
  });

  it('tanh + "xavier" (gain 5/3) keeps the variance within a factor 2; N(0, 1) saturates, N(0, 0.01) vanishes', async () => {
    const model = deepMlp('tanh');
    initialize(model, 'xavier', { seed: 2 });
    const xavier = (await layerVariances(model, xs)).slice(0, 50);
    expect(Math.max(...xavier) / Math.min(...xavier)).toBeLessThan(2);
    expect(await saturation(model, xs)).toBeLessThan(0.05);
    initialize(model, 'normal', { stddev: 1, seed: 2 });
    expect(await saturation(model, xs)).toBeGreaterThan(0.5); // tanh' ≈ 0 there: gradients vanish
    initialize(model, 'normal', { stddev: 0.01, seed: 2 });
    const small = await layerVariances(model, xs, 6);
    // tanh ≈ identity for tiny inputs: ×(256 · 1e-4) ≈ 0.0256 per layer.
    expect((small[5]! / small[0]!) ** (1 / 5)).toBeLessThan(0.04);
    model.dispose();
  });

  it('"orthogonal" gives each kernel WᵀW = gain²·I with the gain of its activation', async () => {
    const model = buildMlp({ inputSize: 16, depth: 2, width: 16, activation: 'relu', outputUnits: 4 });
    initialize(model, 'orthogonal', { seed: 3 });
    const weights = await readWeights(model);
    expect(gramDeviation(weights[0]!, 16, 16, 2)).toBeLessThan(1e-4); // relu: gain √2
    expect(gramDeviation(weights[4]!, 16, 4, 1)).toBeLessThan(1e-4); // linear output: gain 1
    model.dispose();
  });
});

describe('initialize', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('zeroes biases, keeps normalization layers unless asked, and reports what it did', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, inputShape: [4], biasInitializer: 'ones' }),
        tf.layers.batchNormalization({ gammaInitializer: tf.initializers.constant({ value: 3 }), movingVarianceInitializer: tf.initializers.constant({ value: 5 }) }),
        tf.layers.dense({ units: 2, activation: 'tanh', biasInitializer: 'ones' }),
      ],
    });
    const result = initialize(model, 'he', { seed: 1 });
    const names = model.weights.map((w) => w.name);
    const byName = async (suffix: string) => Array.from(await model.weights[names.findIndex((n) => n.endsWith(suffix))]!.read().data());
    expect((await byName('dense_' + model.layers[0]!.name.split('_').pop() + '/bias')).every((v) => v === 0)).toBe(true);
    expect((await byName('/gamma')).every((v) => v === 3)).toBe(true);
    expect(Object.values(result.weights)).toEqual(['GsVarianceScaling', 'zeros', 'unchanged', 'unchanged', 'GsVarianceScaling', 'zeros']);
    initialize(model, 'he', { seed: 1, normalization: true });
    expect((await byName('/gamma')).every((v) => v === 1)).toBe(true);
    expect((await byName('/moving_variance')).every((v) => v === 1)).toBe(true);
    model.dispose();
  });

  it('takes the gain from each layer\'s activation and is reproducible with a seed', async () => {
    const model = buildMlp({ inputSize: 300, depth: 2, width: 300, activation: 'tanh', outputUnits: 300 });
    initialize(model, 'he', { seed: 5 });
    const first = await readWeights(model);
    expect(sampleMoments(first[0]!).variance * 300).toBeCloseTo(25 / 9, 1); // tanh: gain² = 25/9
    expect(sampleMoments(first[4]!).variance * 300).toBeCloseTo(1, 1); // linear output: 1
    initialize(model, 'he', { seed: 5 });
    expect((await readWeights(model)).map((w) => Array.from(w))).toEqual(first.map((w) => Array.from(w)));
    expect(activationNonlinearity('relu6')).toBe('relu');
    expect(activationNonlinearity('softmax')).toBe('linear');
    expect(schemeInitializer('lecun', { name: 'x/kernel', layerName: 'x', role: 'kernel', shape: [2, 2], depth: 0, index: 0, activation: 'selu' })).toBeInstanceOf(VarianceScaling);
    model.dispose();
  });

  it('gives LSTM recurrent kernels an orthogonal init under every named scheme', async () => {
    const model = tf.sequential({ layers: [tf.layers.lstm({ units: 8, inputShape: [3, 5] })] });
    const result = initialize(model, 'xavier', { seed: 1 });
    expect(Object.entries(result.weights).find(([name]) => name.endsWith('recurrent_kernel'))![1]).toBe('GsOrthogonal');
    expect(gramDeviation(await model.weights[1]!.read().data(), 8, 32, 1)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('accepts a function of ParamInfo; undefined leaves the weight unchanged', async () => {
    const model = buildMlp({ inputSize: 8, depth: 2, width: 8 });
    const before = await readWeights(model);
    initialize(model, (param, seed) => (param.depth === 0 ? orthogonal({ seed }) : undefined), { seed: 9 });
    const after = await readWeights(model);
    expect(Array.from(after[0]!)).toEqual(Array.from(new Orthogonal({ seed: 9 }).values([8, 8])));
    expect(Array.from(after[2]!)).toEqual(Array.from(before[2]!));
    model.dispose();
  });

  it('"critical" sets each kernel to √σ_w*²·Q for its activation at σ_b² and draws biases from N(0, σ_b²)', async () => {
    const model = buildMlp({ inputSize: 64, depth: 3, width: 64, activation: 'tanh', outputUnits: 64 });
    const atZero = initialize(model, 'critical', { seed: 1 });
    let weights = await readWeights(model);
    expect(gramDeviation(weights[0]!, 64, 64, 1)).toBeLessThan(1e-4); // tanh at σ_b² = 0: σ_w*² = 1
    expect(Array.from(weights[1]!).every((bias) => bias === 0)).toBe(true);
    expect(atZero.weights[model.weights[0]!.name]).toBe('GsOrthogonal');
    initialize(model, 'critical', { seed: 1, sigmaB2: 0.05 });
    weights = await readWeights(model);
    // scipy (see mean-field.test.ts): tanh's critical σ_w² at σ_b² = 0.05 is 1.7609546396067424.
    expect(gramDeviation(weights[2]!, 64, 64, 1.7609546396067424)).toBeLessThan(1e-4);
    expect(gramDeviation(weights[6]!, 64, 64, 1)).toBeLessThan(1e-4); // linear output: σ_w*² = 1
    const biases = [1, 3, 5, 7].flatMap((index) => Array.from(weights[index]!));
    expect(sampleMoments(Float32Array.from(biases)).variance).toBeGreaterThan(0.05 * 0.7); // 256 draws
    expect(sampleMoments(Float32Array.from(biases)).variance).toBeLessThan(0.05 * 1.3);
    const relu = buildMlp({ inputSize: 16, depth: 1, width: 16, activation: 'relu' });
    initialize(relu, 'critical', { seed: 2, sigmaB2: 0.1 });
    expect(gramDeviation((await readWeights(relu))[0]!, 16, 16, 2)).toBeLessThan(1e-4); // ReLU: 2 for any σ_b²
    const softmax = buildMlp({ inputSize: 4, depth: 1, width: 4, activation: 'softmax' });
    expect(() => initialize(softmax, 'critical')).toThrow(/initialize: the 'critical' scheme needs a mean-field activation .*; layer \S+ has "softmax"/);
    expect(() => initialize(model, 'critical', { sigmaB2: -0.1 })).toThrow(/initialize: sigmaB2 must be a finite number ≥ 0, got -0.1/);
    for (const built of [model, relu, softmax]) built.dispose();
  });

  it('does not leak tensors', async () => {
    const model = buildMlp({ inputSize: 8, depth: 3, width: 8 });
    await expectNoLeak(() => initialize(model, 'orthogonal'), { warmup: 1, steps: 10 });
    model.dispose();
  });

  it('rejects a bad model, scheme, option or function result', () => {
    const model = buildMlp({ inputSize: 2, depth: 1, width: 2 });
    expect(() => initialize({} as never, 'he')).toThrow(/initialize: model must be a tf.LayersModel \(Sequential or functional\), got \{\}/);
    expect(() => initialize(model, 'kaiming' as never)).toThrow(/initialize: scheme must be one of "he", "xavier", "lecun", "orthogonal", "normal", "critical", got "kaiming"/);
    expect(() => initialize(model, 'normal', { stddev: -1 })).toThrow(/initialize: stddev must be a finite number ≥ 0, got -1/);
    expect(() => initialize(model, 'he', { gain: 2 } as never)).toThrow(/initialize: unknown option 'gain'/);
    expect(() => initialize(model, () => 'he' as never)).toThrow(/must return a tfjs initializer or nothing for .*kernel, got "he"/);
    model.dispose();
  });
});

describe('initializePlugin', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('re-initializes the model in setup, before the first step', async () => {
    const { xs, ys } = regressionData(16, 4);
    const model = buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'relu' });
    const reference = buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'relu' });
    // Learning rate 0: weights after one step are exactly what setup wrote.
    model.compile({ optimizer: stabilize(tf.train.sgd(0), [initializePlugin('he', { seed: 4 })], { model }), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
    initialize(reference, 'he', { seed: 4 });
    expect((await readWeights(model)).map((w) => Array.from(w))).toEqual((await readWeights(reference)).map((w) => Array.from(w)));
    tf.dispose([xs, ys]);
    model.dispose();
    reference.dispose();
  });

  it('says how to pass the model when stabilize has none', async () => {
    const { xs, ys } = regressionData(16, 4);
    const model = buildMlp({ inputSize: 4, depth: 1, width: 4 });
    model.compile({ optimizer: stabilize(tf.train.sgd(0.1), [initializePlugin('xavier')]), loss: 'meanSquaredError' });
    await expect(model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 })).rejects.toThrow(/initializePlugin: no model to re-initialize: pass it as stabilize\(optimizer, plugins, \{ model \}\)/);
    expect(() => initializePlugin('glorot' as never)).toThrow(/initializePlugin: scheme must be one of/);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
