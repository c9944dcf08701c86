import * as tf from '@tensorflow/tfjs';
import { describeParams, describeVariables } from '@gs/core';
import { residual, residualMlp } from '@gs/residual';
import { describe, expect, it } from 'vitest';
import { describeArchitecture } from './model-architecture.js';

function architectureOf(model: tf.LayersModel) {
  return describeArchitecture(describeParams(model), model);
}

describe('describeArchitecture', () => {
  it('finds the residual branches, their ReZero gates and the main path of residualMlp', () => {
    const model = residualMlp({ inputShape: [4], depth: 2, width: 8, gate: 'reZero', seed: 1 });
    const architecture = architectureOf(model);
    const layer = (name: string) => architecture.layers.get(name)!;
    expect(layer('stem')).toMatchObject({ kind: 'dense', weightLayer: true });
    expect(layer('stem').branch).toBeUndefined();
    expect(layer('head').branch).toBeUndefined();
    expect(layer('block0_branch0')).toMatchObject({ kind: 'dense', branch: 'block0_add', gate: 'block0_gate' });
    expect(layer('block1_branch1')).toMatchObject({ branch: 'block1_add', gate: 'block1_gate' });
    expect(layer('block0_gate')).toMatchObject({ kind: 'gate', weightLayer: false, branch: 'block0_add' });
    expect(architecture).toMatchObject({ residual: true, gates: ['ReZero'], normalization: [], activations: ['relu'] });
    model.dispose();
  });

  it("marks the model's output layers (each head of a functional model, the last layer of a nested one)", () => {
    const input = tf.input({ shape: [4] });
    const trunk = tf.layers.dense({ units: 6, activation: 'relu', name: 'trunk' }).apply(input) as tf.SymbolicTensor;
    const price = tf.layers.dense({ units: 1, name: 'price' }).apply(trunk) as tf.SymbolicTensor;
    const churn = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'churn' }).apply(trunk) as tf.SymbolicTensor;
    const twoHeads = tf.model({ inputs: input, outputs: [price, churn] });
    const heads = (model: tf.LayersModel) =>
      [...architectureOf(model).layers.values()].filter((layer) => layer.output).map((layer) => layer.name);
    expect(heads(twoHeads)).toEqual(['price', 'churn']);
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], name: 'innerHidden' }), tf.layers.dense({ units: 2, name: 'innerHead' })] });
    const outer = tf.sequential({ layers: [inner] });
    expect(heads(outer)).toEqual(['innerHead']);
    twoHeads.dispose();
    outer.dispose();
  });

  it("classifies Fixup's scalar biases and multipliers as scalars, never weight layers", () => {
    const model = residualMlp({ inputShape: [4], depth: 2, width: 8, fixup: true, seed: 2 });
    const architecture = architectureOf(model);
    expect(architecture.layers.get('block0_bias0')).toMatchObject({ kind: 'scalar', weightLayer: false });
    expect(architecture.layers.get('block0_multiplier')).toMatchObject({ kind: 'gate', weightLayer: false });
    expect(architecture.gates).toEqual(expect.arrayContaining(['ResidualScale', 'ScalarBias']));
    model.dispose();
  });

  it('treats a projection shortcut as main path and a concatenation of towers as no residual at all', () => {
    const input = tf.input({ shape: [4] });
    const projected = residual(input, [tf.layers.dense({ units: 6, activation: 'relu', name: 'f0' })], { name: 'b' });
    const a = tf.layers.dense({ units: 3, name: 'towerA' }).apply(projected) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 3, name: 'towerB' }).apply(projected) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'out' }).apply(merged) as tf.SymbolicTensor });
    const architecture = architectureOf(model);
    expect(architecture.layers.get('f0')!.branch).toBe('b_add');
    expect(architecture.layers.get('b_projection')!.branch).toBeUndefined();
    expect(architecture.layers.get('towerA')!.branch).toBeUndefined();
    expect(architecture.layers.get('towerB')!.branch).toBeUndefined();
    model.dispose();
  });

  it('reads normalization layers, recurrent layers with their sequence length, and activation layers', () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 4, inputShape: [7, 3], returnSequences: true, name: 'lstm' }));
    model.add(tf.layers.layerNormalization({ name: 'norm' }));
    model.add(tf.layers.activation({ activation: 'tanh' }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 1, name: 'head' }));
    const architecture = architectureOf(model);
    expect(architecture.layers.get('lstm')).toMatchObject({ kind: 'recurrent', weightLayer: true, sequenceLength: 7 });
    expect(architecture.layers.get('norm')).toMatchObject({ kind: 'normalization', weightLayer: false });
    expect(architecture).toMatchObject({ recurrent: true, normalization: ['LayerNormalization'] });
    expect(architecture.activations).toEqual(expect.arrayContaining(['tanh']));
    model.dispose();
  });

  it('without a model, tells kinds apart from the roles and shapes of the variables', () => {
    const variables = [
      tf.variable(tf.zeros([3, 4]), true, 'a/kernel'),
      tf.variable(tf.zeros([4]), true, 'a/bias'),
      tf.variable(tf.zeros([]), true, 'gate/alpha'),
      tf.variable(tf.ones([4]), true, 'norm/gamma'),
      tf.variable(tf.zeros([4]), true, 'norm/beta'),
      tf.variable(tf.zeros([3, 3, 2, 4]), true, 'conv/kernel'),
    ];
    const architecture = describeArchitecture(describeVariables(variables));
    expect([...architecture.layers.values()].map((layer) => [layer.name, layer.kind])).toEqual([
      ['a', 'dense'],
      ['gate', 'scalar'],
      ['norm', 'normalization'],
      ['conv', 'conv'],
    ]);
    expect(architecture.fromModel).toBe(false);
    tf.dispose(variables);
  });
});
