import * as tf from '@tensorflow/tfjs';
import { buildMlp, classificationData, describeBackends, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertNormalization } from './insert-normalization.js';

const backends = await testBackends();

const classNames = (model: tf.LayersModel) => model.layers.map((layer) => layer.getClassName());

async function weightsByLayer(model: tf.LayersModel): Promise<Map<string, number[][]>> {
  const result = new Map<string, number[][]>();
  for (const layer of model.layers) {
    result.set(layer.name, await Promise.all(layer.getWeights().map(async (w) => Array.from(await w.data()))));
  }
  return result;
}

describe('insertNormalization rebuilds models', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('Sequential MLP, preActivation: Dense(linear) → norm → Activation, original weights copied, output layer untouched', async () => {
    const model = buildMlp({ inputSize: 5, depth: 3, width: 8, activation: 'sigmoid', outputUnits: 2, outputActivation: 'softmax' });
    const normalized = insertNormalization(model, { kind: 'batch', options: { momentum: 0.9 } });
    expect(classNames(normalized)).toEqual([
      'InputLayer',
      ...Array(3).fill(['Dense', 'GsBatchNormalization', 'Activation']).flat(),
      'Dense',
    ]);
    const dense = normalized.layers.filter((l) => l.getClassName() === 'Dense');
    expect(dense.map((l) => (l.getConfig() as { activation: string }).activation)).toEqual(['linear', 'linear', 'linear', 'softmax']);
    expect(normalized.layers.filter((l) => l.getClassName() === 'Activation').map((l) => l.getConfig()['activation'])).toEqual(Array(3).fill('sigmoid'));
    expect(normalized.layers[2]!.getConfig()['momentum']).toBe(0.9);
    const [original, copied] = [await weightsByLayer(model), await weightsByLayer(normalized)];
    for (const [name, weights] of original) expect(copied.get(name), name).toEqual(weights);
    // Training the new model leaves the original alone (the weights were copied, not shared).
    const { xs, ys } = classificationData(16, 5, 2);
    normalized.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await normalized.fit(xs, ys, { epochs: 2, verbose: 0 });
    expect(await weightsByLayer(model)).toEqual(original);
    expect((await weightsByLayer(normalized)).get(model.layers[0]!.name)).not.toEqual(original.get(model.layers[0]!.name));
    tf.dispose([xs, ys]);
    model.dispose();
    normalized.dispose();
  });

  it('functional CNN, postActivation group norm, includeOutputLayers: norm after every conv and the output Dense', async () => {
    const input = tf.input({ shape: [6, 6, 2] });
    let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'c2' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 4, name: 'out' }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const normalized = insertNormalization(model, { kind: 'group', position: 'postActivation', options: { groups: 2 }, includeOutputLayers: true });
    expect(normalized.layers.map((l) => l.name)).toEqual([
      input.sourceLayer.name, 'c1', 'c1_group_norm', 'c2', 'c2_group_norm', 'flat', 'out', 'out_group_norm',
    ]);
    expect(normalized.outputs[0]!.shape).toEqual([null, 4]);
    const [original, copied] = [await weightsByLayer(model), await weightsByLayer(normalized)];
    for (const [name, weights] of original) expect(copied.get(name), name).toEqual(weights);
    model.dispose();
    normalized.dispose();
  });

  it('a branching functional model (two Dense → Add) keeps its topology', async () => {
    const input = tf.input({ shape: [4] });
    const a = tf.layers.dense({ units: 6, activation: 'relu', name: 'a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 6, activation: 'tanh', name: 'b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 1, name: 'out' }).apply(sum) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const normalized = insertNormalization(model, { kind: 'rms' });
    const sumLayer = normalized.getLayer('sum');
    expect((sumLayer.input as tf.SymbolicTensor[]).map((t) => t.sourceLayer.name).sort()).toEqual(['a_activation', 'b_activation']);
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const y = normalized.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    tf.dispose([x, y]);
    model.dispose();
    normalized.dispose();
  });

  it('rejects bad options and shared layers with clear errors', () => {
    const model = buildMlp({ inputSize: 3, depth: 1, width: 4 });
    expect(() => insertNormalization(model, { kind: 'instance' as never })).toThrow(/insertNormalization: kind must be one of "batch", "layer", "group", "rms", got "instance"/);
    expect(() => insertNormalization(model, { kind: 'batch', position: 'after' as never })).toThrow(/insertNormalization: position must be one of .*got "after"/);
    expect(() => insertNormalization(model, { kind: 'batch', options: { name: 'x' } })).toThrow(/insertNormalization: options.name must be absent/);
    expect(() => insertNormalization(model, { kind: 'batch', where: 1 } as never)).toThrow(/insertNormalization: unknown option 'where'/);
    expect(() => insertNormalization({} as never, { kind: 'batch' })).toThrow(/insertNormalization: model must be a tf.LayersModel/);
    expect(() => insertNormalization(model, { kind: 'batch', includeOutputLayers: 'false' as never })).toThrow(
      /insertNormalization: includeOutputLayers must be true or false, got "false"/,
    );
    expect(() => insertNormalization(model, { kind: 'batch', options: { momentum: 2 } })).toThrow(/insertNormalization: momentum must be in \[0, 1\], got 2/);
    expect(() => insertNormalization(model, { kind: 'group', options: { group: 2 } as never })).toThrow(
      /insertNormalization: unknown option 'group' \(did you mean 'groups'\?\)/,
    );
    expect(() => insertNormalization(model, { kind: 'group', options: { groups: 3 } })).toThrow(/groupNormalization: groups must be a divisor of the 4 channels/);
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const input = tf.input({ shape: [4] });
    const twice = tf.model({ inputs: input, outputs: shared.apply(shared.apply(input)) as tf.SymbolicTensor });
    expect(() => insertNormalization(twice, { kind: 'layer' })).toThrow(/insertNormalization: layer 'shared' is used 2 times/);
    model.dispose();
  });
});

describeBackends('insertNormalization on the vanishing-gradient case', backends, () => {
  it('a 10-layer sigmoid MLP trains measurably faster with batch norm inserted', async () => {
    // 10 sigmoid layers with glorotNormal init: the gradient reaching the first layers is tiny
    // (sigmoid' ≤ 1/4 per layer), so plain SGD barely moves the loss in 40 steps.
    const { xs, ys } = classificationData(128, 8, 4);
    const plain = buildMlp({ inputSize: 8, depth: 10, width: 16, activation: 'sigmoid', outputUnits: 4, outputActivation: 'softmax', seed: 3 });
    const normalized = insertNormalization(plain, { kind: 'batch' });
    const lossAfterTraining = async (model: tf.LayersModel) => {
      model.compile({ optimizer: tf.train.sgd(0.2), loss: 'categoricalCrossentropy' });
      const history = await model.fit(xs, ys, { epochs: 10, batchSize: 32, shuffle: false, verbose: 0 });
      return history.history['loss'] as number[];
    };
    const plainLosses = await lossAfterTraining(plain);
    const normalizedLosses = await lossAfterTraining(normalized);
    // The plain model is stuck near the chance-level loss ln 4 ≈ 1.386; the normalized one learns.
    expect(plainLosses.at(-1)!).toBeGreaterThan(1.2);
    expect(normalizedLosses.at(-1)!).toBeLessThan(0.5 * plainLosses.at(-1)!);
    tf.dispose([xs, ys]);
    plain.dispose();
    normalized.dispose();
  });
});
