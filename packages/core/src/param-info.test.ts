import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeParams, describeVariables, roleFromName } from './param-info.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('roleFromName', () => {
  it('maps Keras weight names to roles and keeps unknown ones', () => {
    expect(roleFromName('dense_Dense1/kernel')).toBe('kernel');
    expect(roleFromName('lstm_LSTM1/recurrent_kernel')).toBe('recurrentKernel');
    expect(roleFromName('conv/depthwise_kernel')).toBe('depthwiseKernel');
    expect(roleFromName('bn/gamma')).toBe('gamma');
    expect(roleFromName('dense/bias_1')).toBe('bias');
    expect(roleFromName('rezero/alpha')).toBe('alpha');
    expect(roleFromName('w')).toBe('w');
  });
});

describe('describeParams', () => {
  it('describes a Sequential model in collectedTrainableWeights order with depth, class and activation', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, activation: 'sigmoid', inputShape: [3] }),
        tf.layers.dropout({ rate: 0.1 }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 2, useBias: false }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const params = describeParams(model);
    const compiled = (model as unknown as { model: { collectedTrainableWeights: tf.LayerVariable[] } }).model;
    const names = compiled.collectedTrainableWeights.map((w) => w.name);
    expect(params.map((p) => p.name)).toEqual(names);
    expect(params.map((p) => [p.layerClass, p.role, p.depth, p.index])).toEqual([
      ['Dense', 'kernel', 0, 0],
      ['Dense', 'bias', 0, 1],
      ['BatchNormalization', 'gamma', 1, 2],
      ['BatchNormalization', 'beta', 1, 3],
      ['Dense', 'kernel', 2, 4],
    ]);
    expect(params[0]!.activation).toBe('sigmoid');
    expect(params[0]!.shape).toEqual([3, 4]);
    expect(params[4]!.activation).toBe('linear');
    expect(params[0]!.layerName).toBe(model.layers[0]!.name);
    model.dispose();
  });

  it('describes a functional model with branches and a nested model in topological order', () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'tanh', inputShape: [3] })] });
    const input = tf.input({ shape: [5] });
    const a = tf.layers.dense({ units: 3, activation: 'relu', name: 'branch_a' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'branch_b' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const nested = inner.apply(sum) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 1, name: 'head' }).apply(nested) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const params = describeParams(model);
    expect(params.map((p) => `${p.layerName}:${p.role}:${p.depth}`)).toEqual([
      'branch_a:kernel:0', 'branch_a:bias:0',
      'branch_b:kernel:1', 'branch_b:bias:1',
      `${inner.layers[0]!.name}:kernel:2`, `${inner.layers[0]!.name}:bias:2`,
      'head:kernel:3', 'head:bias:3',
    ]);
    expect(params[4]!.activation).toBe('tanh');
    expect(params.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    model.dispose();
  });

  it('describes bare variables by name prefix, in first-appearance order', () => {
    const vars = [
      tf.variable(tf.zeros([2, 2]), true, 'enc/layer1/kernel'),
      tf.variable(tf.zeros([2]), true, 'enc/layer1/bias'),
      tf.variable(tf.zeros([2, 1]), true, 'out/kernel'),
      tf.variable(tf.zeros([1]), true, 'scale'),
    ];
    expect(describeVariables(vars).map((p) => [p.layerName, p.role, p.depth, p.index])).toEqual([
      ['enc/layer1', 'kernel', 0, 0],
      ['enc/layer1', 'bias', 0, 1],
      ['out', 'kernel', 1, 2],
      ['scale', 'scale', 2, 3],
    ]);
    tf.dispose(vars);
  });
});
