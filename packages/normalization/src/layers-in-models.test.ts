// Every layer of the package in real models: trains under fit on every backend, save → load gives
// identical predictions, numTensors stays flat, works in Sequential and functional models, and
// infers output shapes for rank 2, 3 and 4 inputs.
import * as tf from '@tensorflow/tfjs';
import { countHostSyncs, describeBackends, expectClose, expectNoLeak, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNormalization } from './batch-normalization.js';
import { groupNormalization } from './group-normalization.js';
import { layerNormalization } from './layer-normalization.js';
import { rmsNormalization } from './rms-normalization.js';
import { spectralNormalization } from './spectral-normalization.js';
import { disposeLayerWeights } from './test-utils.js';
import { weightNormalization } from './weight-normalization.js';
import { weightStandardization } from './weight-standardization.js';

const backends = await testBackends();

interface Case {
  name: string;
  /** 'conv': Conv2D on [5, 5, 2] images (on wasm, where conv cannot train, a per-pixel Dense instead). */
  input: 'dense' | 'conv';
  /** A normalization layer placed after the first Dense/Conv, or a wrapper around it. */
  norm?: () => tf.layers.Layer;
  wrap?: (layer: tf.layers.Layer) => tf.layers.Layer;
}

const cases: Case[] = [
  { name: 'groupNormalization dense', input: 'dense', norm: () => groupNormalization({ groups: 4 }) },
  { name: 'groupNormalization conv', input: 'conv', norm: () => groupNormalization({ groups: 2 }) },
  { name: 'groupNormalization instance', input: 'conv', norm: () => groupNormalization({ groups: -1 }) },
  { name: 'rmsNormalization', input: 'dense', norm: () => rmsNormalization() },
  { name: 'layerNormalization', input: 'dense', norm: () => layerNormalization() },
  { name: 'layerNormalization no center/scale', input: 'conv', norm: () => layerNormalization({ center: false, scale: false }) },
  { name: 'batchNormalization', input: 'dense', norm: () => batchNormalization() },
  { name: 'batchNormalization no scale', input: 'dense', norm: () => batchNormalization({ scale: false }) },
  { name: 'batchNormalization no center/scale', input: 'conv', norm: () => batchNormalization({ center: false, scale: false }) },
  { name: 'weightNormalization dense', input: 'dense', wrap: (layer) => weightNormalization(layer) },
  { name: 'weightNormalization conv', input: 'conv', wrap: (layer) => weightNormalization(layer) },
  { name: 'spectralNormalization dense', input: 'dense', wrap: (layer) => spectralNormalization(layer, { seed: 1 }) },
  { name: 'spectralNormalization conv', input: 'conv', wrap: (layer) => spectralNormalization(layer, { seed: 1 }) },
  { name: 'weightStandardization conv', input: 'conv', wrap: (layer) => weightStandardization(layer) },
];

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so no Conv2D (ours or tfjs's) can
 * train there. On wasm the normalization layers get their rank-4 input from a per-pixel Dense, and
 * the conv wrappers are skipped; the test 'wasm still cannot train Conv2D' flags when tfjs fixes it.
 */
const convTrainable = (backend: string) => backend !== 'wasm';

/** The layer stack of a case: Dense/Conv (+ norm or wrapped) → (Flatten) → Dense(1). */
function layersOf(c: Case, backend: string): tf.layers.Layer[] {
  const seed = tf.initializers.glorotNormal({ seed: 5 });
  let first: tf.layers.Layer =
    c.input === 'dense' || !convTrainable(backend)
      ? tf.layers.dense({ units: c.input === 'dense' ? 8 : 4, activation: c.input === 'dense' ? 'tanh' : 'relu', kernelInitializer: seed })
      : tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: seed });
  if (c.wrap) first = c.wrap(first);
  const layers = [first];
  if (c.norm) layers.push(c.norm());
  if (c.input === 'conv') layers.push(tf.layers.flatten());
  layers.push(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }) }));
  return layers;
}

const inputShape = (c: Case) => (c.input === 'dense' ? [6] : [5, 5, 2]);

function sequentialModel(c: Case, backend: string): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: inputShape(c) }));
  for (const layer of layersOf(c, backend)) model.add(layer);
  return model;
}

function functionalModel(c: Case, backend: string): tf.LayersModel {
  const input = tf.input({ shape: inputShape(c) });
  let output = input;
  for (const layer of layersOf(c, backend)) output = layer.apply(output) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

function dataFor(c: Case): { xs: tf.Tensor; ys: tf.Tensor } {
  if (c.input === 'dense') return regressionData(32, 6);
  return tf.tidy(() => {
    const xs = tf.randomNormal([32, 5, 5, 2], 0, 1, 'float32', 9);
    const ys = tf.sum(tf.sin(tf.mul(xs, 2)), [1, 2, 3]).reshape([32, 1]).div(5);
    return { xs, ys };
  });
}

async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describeBackends('layers in models', backends, (backend) => {
  if (backend === 'wasm') {
    it('wasm still cannot train Conv2D (no Conv2DBackpropFilter kernel): conv wrappers are skipped here', () => {
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    });
  }
  for (const c of cases) {
    describe.skipIf(c.wrap && c.input === 'conv' && !convTrainable(backend))(c.name, () => {
      let data: { xs: tf.Tensor; ys: tf.Tensor };
      beforeAll(() => {
        data = dataFor(c);
      });
      afterAll(() => tf.dispose(data));

      it('trains under fit (Sequential), save → load predicts identically, numTensors flat, no host sync', async () => {
        const model = sequentialModel(c, backend);
        model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
        const normLayer = model.layers[c.norm ? 1 : 0]!;
        const before = await readWeights(model);
        const normBefore = await Promise.all(normLayer.getWeights().map(async (w) => Array.from(await w.data())));
        const history = await model.fit(data.xs, data.ys, { epochs: 6, batchSize: 16, shuffle: false, verbose: 0 });
        const losses = history.history['loss'] as number[];
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses.at(-1)!).toBeLessThan(losses[0]!);
        // Every weight of the normalization layer moved (trainable by the optimizer; moving
        // statistics and power-iteration vectors by the layer itself in training).
        const normAfter = await Promise.all(normLayer.getWeights().map(async (w) => Array.from(await w.data())));
        for (let i = 0; i < normAfter.length; i++) expect(normAfter[i], `weight ${normLayer.weights[i]!.name}`).not.toEqual(normBefore[i]);
        expect((await readWeights(model)).length).toBe(before.length);

        const loaded = await saveAndLoad(model);
        expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
        expect(loaded.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
        const [savedWeights, loadedWeights] = [await readWeights(model), await readWeights(loaded)];
        expect(loadedWeights.map((w) => Array.from(w))).toEqual(savedWeights.map((w) => Array.from(w)));
        // On WebGPU, freshly loaded small weights still live on the CPU, and with WEBGPU_CPU_FORWARD
        // (on by default) tfjs runs small ops on CPU-resident inputs with the CPU kernels, which
        // round differently (measured: 2.4e-7 off with batch norm; 0 with the flag off). Compare
        // the models with every op on the GPU.
        const cpuForward = backend === 'webgpu' ? tf.env().getBool('WEBGPU_CPU_FORWARD') : false;
        if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
        const [expected, actual] = [model.predict(data.xs) as tf.Tensor, loaded.predict(data.xs) as tf.Tensor];
        if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', cpuForward);
        await expectClose(actual, expected, { rtol: 0, atol: 0 });
        tf.dispose([expected, actual]);
        loaded.dispose();

        await expectNoLeak(() => model.trainOnBatch(data.xs, data.ys), { warmup: 2, steps: 10 });
        // The training-mode forward pass (moving averages, power iteration included) stays on the device.
        expect(countHostSyncs(() => tf.dispose(model.apply(data.xs, { training: true }) as tf.Tensor))).toBe(0);
        model.dispose();
      });

      it('trains in a functional model', async () => {
        const model = functionalModel(c, backend);
        model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
        const history = await model.fit(data.xs, data.ys, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
        const losses = history.history['loss'] as number[];
        expect(losses.at(-1)!).toBeLessThan(losses[0]!);
        expect(model.outputs[0]!.shape).toEqual([null, 1]);
        model.dispose();
      });
    });
  }
});

describe('output shape inference', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const check = async (layer: tf.layers.Layer, shape: number[], expected: number[]) => {
    const symbolic = layer.apply(tf.input({ shape })) as tf.SymbolicTensor;
    expect(symbolic.shape).toEqual([null, ...expected]);
    const x = tf.randomNormal([2, ...shape], 0, 1, 'float32', 1);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, ...expected]);
    expect((await y.data()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y]);
  };

  for (const [name, make] of [
    ['groupNormalization', () => groupNormalization({ groups: 2 })],
    ['rmsNormalization', () => rmsNormalization()],
    ['layerNormalization', () => layerNormalization()],
    ['batchNormalization', () => batchNormalization()],
  ] as const) {
    it(`${name}: rank 2, 3 and 4 inputs keep their shape`, async () => {
      for (const shape of [[8], [3, 8], [2, 3, 8]]) await check(make(), shape, shape);
    });
  }

  it('wrappers: Dense on rank 2 and 3, Conv1D on rank 3, Conv2D on rank 4', async () => {
    for (const wrap of [weightNormalization, spectralNormalization, weightStandardization]) {
      await check(wrap(tf.layers.dense({ units: 5 })), [4], [5]);
      await check(wrap(tf.layers.dense({ units: 5 })), [3, 4], [3, 5]);
      await check(wrap(tf.layers.conv1d({ filters: 5, kernelSize: 2 })), [6, 3], [5, 5]);
      await check(wrap(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same' })), [7, 7, 3], [4, 4, 5]);
    }
  });

  it('a wrapped Dense on rank-3 input equals the plain Dense applied per position (with g = ‖v‖)', async () => {
    const dense = tf.layers.dense({ units: 5, activation: 'relu' });
    const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 2);
    const plain = dense.apply(x) as tf.Tensor;
    const wrapped = weightNormalization(dense);
    const y = wrapped.apply(x) as tf.Tensor;
    await expectClose(y, plain, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, plain, y]);
    disposeLayerWeights(wrapped);
  });
});
