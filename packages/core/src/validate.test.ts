import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { stabilize } from './stabilized-optimizer.js';
import { requireLayerArgs } from './layer-arguments.js';
import {
  describeValue,
  invalidOption,
  rejectFactory,
  rejectUnknownOptions,
  requireArray,
  requireBatch,
  requireBoolean,
  requireFinite,
  requireInRange,
  requireOptimizer,
  requireOptions,
  requireShape,
  requireString,
  requireTensor,
} from './validate.js';

describe('option validation helpers', () => {
  it('describes values of every kind for error messages', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue('relu')).toBe('"relu"');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue([1, Infinity])).toBe('[1,"Infinity"]');
    expect(describeValue(function heNormal() {})).toBe('a function (heNormal)');
    const tensor = tf.zeros([2, 3]);
    expect(describeValue(tensor)).toBe('a float32 tensor of shape [2,3]');
    tensor.dispose();
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue({ a: 'x'.repeat(100) })).toMatch(/\.\.\.$/);
  });

  it('requireOptions accepts undefined and plain objects, rejects everything else naming the function', () => {
    expect(requireOptions('f', undefined, ['a'])).toEqual({});
    expect(requireOptions('f', { a: 1 }, ['a'])).toEqual({ a: 1 });
    expect(requireOptions('f', Object.create(null), ['a'])).toEqual({});
    for (const bad of [null, 42, 'relu', [1], () => 1, new Map(), true]) {
      expect(() => requireOptions('f', bad, ['a', 'b'])).toThrow(/^f: options must be an object such as \{a, b\} or omitted, got /);
    }
  });

  it('rejects unknown option names with the closest known name', () => {
    expect(() => rejectUnknownOptions('history', { maxRecord: 5 }, ['maxRecords'])).toThrow(
      "history: unknown option 'maxRecord' (did you mean 'maxRecords'?); known: maxRecords",
    );
    expect(() => rejectUnknownOptions('f', { zzz: 5 }, ['alpha', 'beta'])).toThrow("f: unknown option 'zzz'; known: alpha, beta");
  });

  it('requireBoolean refuses the string "false"', () => {
    expect(requireBoolean('residualMlp', 'fixup', false)).toBe(false);
    expect(() => requireBoolean('residualMlp', 'fixup', 'false')).toThrow('residualMlp: fixup must be true or false, got "false"');
  });

  it('requireTensor checks rank and disposal', () => {
    const x = tf.zeros([2, 2]);
    expect(requireTensor('f', 'x', x, 2)).toBe(x);
    expect(() => requireTensor('f', 'x', x, 3)).toThrow('f: x must be a tf.Tensor of rank 3, got a float32 tensor of shape [2,2]');
    x.dispose();
    expect(() => requireTensor('f', 'x', x)).toThrow(/f: x must be a tf.Tensor/);
  });

  it('names an uncalled factory in one line', () => {
    function clipByGlobalNorm(): void {}
    expect(() => rejectFactory('stabilize', 'plugins[0]', clipByGlobalNorm)).toThrow(
      'stabilize: plugins[0] is clipByGlobalNorm, a factory: call it, e.g. clipByGlobalNorm()',
    );
    expect(() => stabilize(tf.train.sgd(0.1), [clipByGlobalNorm as never])).toThrow(/a factory: call it/);
  });

  it('stabilize refuses a model passed where options go', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    expect(() => stabilize(tf.train.sgd(0.1), [], model as never)).toThrow(
      /stabilize: options must be an object such as \{model, every\} or omitted, got a tf.LayersModel/,
    );
    model.dispose();
  });

  it('requireOptions refuses an option set to null unless it is nullable: omit it for the default', () => {
    expect(() => requireOptions('clipByGlobalNorm', { eps: null }, ['normType', 'eps'])).toThrow(
      'clipByGlobalNorm: eps must be given a value or omitted (for its default), got null',
    );
    expect(requireOptions('orthogonal', { seed: null }, ['gain', 'seed'], { nullable: ['seed'] })).toEqual({ seed: null });
    expect(() => requireOptions('f', 42, ['a'], { argument: 'args' })).toThrow(/^f: args must be an object/);
  });

  it('requireOptimizer names the function for null and undefined (tfjs instanceof would crash)', () => {
    expect(() => requireOptimizer('f', 'optimizer', null)).toThrow('f: optimizer must be a tf.Optimizer such as tf.train.adam(1e-3), got null');
    expect(() => requireOptimizer('f', 'optimizer', 42)).toThrow(/got 42/);
    const sgd = tf.train.sgd(0.1);
    expect(requireOptimizer('f', 'optimizer', sgd)).toBe(sgd);
  });

  it('requireArray checks each item with its index; requireShape wants positive integers', () => {
    expect(requireArray('f', 'names', ['a', 'b'], (item, label) => requireString('f', label, item))).toEqual(['a', 'b']);
    expect(() => requireArray('f', 'names', ['a', 3], (item, label) => requireString('f', label, item))).toThrow(
      'f: names[1] must be a non-empty string, got 3',
    );
    expect(() => requireArray('f', 'names', 'a')).toThrow('f: names must be an array, got "a"');
    expect(requireShape('f', 'inputShape', [28, 28, 1])).toEqual([28, 28, 1]);
    for (const bad of [[], [0], [2.5], ['4'], 4, null]) expect(() => requireShape('f', 'inputShape', bad)).toThrow(/f: inputShape must be a shape/);
  });

  it("requireBatch checks a batch against the model's input shape before tfjs does", () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const [good, wide, flat] = [tf.zeros([5, 3]), tf.zeros([5, 4]), tf.zeros([5])];
    expect(requireBatch('lsuv', 'batch', good, model)).toBe(good);
    expect(() => requireBatch('lsuv', 'batch', wide, model)).toThrow(
      "lsuv: batch must be a tf.Tensor of shape [batch, 3] (the model's input), got a float32 tensor of shape [5,4]",
    );
    expect(() => requireBatch('lsuv', 'batch', flat, model)).toThrow(/got a float32 tensor of shape \[5\]/);
    expect(() => requireBatch('lsuv', 'batch', [good, good], model)).toThrow(/lsuv: batch must be a tf.Tensor of shape/);
    tf.dispose([good, wide, flat]);
    model.dispose();
  });

  it("requireLayerArgs checks tfjs's own layer options before tfjs sees them", () => {
    expect(requireLayerArgs('reZero', undefined, [])).toEqual({});
    expect(requireLayerArgs('reZero', { name: 'gate_1', trainable: false, inputShape: [null, 4] }, [])).toEqual({
      name: 'gate_1',
      trainable: false,
      inputShape: [null, 4],
    });
    expect(() => requireLayerArgs('reZero', { name: {} }, [])).toThrow('reZero: name must be a non-empty string, got {}');
    expect(() => requireLayerArgs('reZero', { name: 'a b' }, [])).toThrow(/reZero: name must be a valid tfjs name/);
    expect(() => requireLayerArgs('reZero', { trainable: 'false' }, [])).toThrow('reZero: trainable must be true or false, got "false"');
    expect(() => requireLayerArgs('reZero', { inputShape: 'x' }, [])).toThrow(/reZero: inputShape must be an array of positive integers/);
    expect(() => requireLayerArgs('reZero', { dtype: 'float' }, [])).toThrow(/reZero: dtype must be one of/);
    expect(() => requireLayerArgs('reZero', { gain: 1 }, ['initialValue'])).toThrow(/reZero: unknown option 'gain'/);
    expect(() => requireLayerArgs('reZero', null, [])).toThrow(/reZero: options must be an object/);
  });

  it('the helpers say when they are themselves called wrongly', () => {
    expect(() => requireFinite(null as never, 'x', 1)).toThrow('requireFinite: where must be a non-empty string naming the function, got null');
    expect(() => invalidOption('f', 'x', '', 1)).toThrow(/invalidOption: expected must be a non-empty string/);
    expect(() => requireInRange('f', 'x', 0.5, 0, 1, null as never)).toThrow(/requireInRange: ends must be an object/);
    expect(() => requireOptions('f', {}, 'a' as never)).toThrow(/requireOptions: known must be an array of option names/);
  });
});
