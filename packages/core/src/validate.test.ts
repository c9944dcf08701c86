import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { stabilize } from './stabilized-optimizer.js';
import {
  describeValue,
  rejectFactory,
  rejectUnknownOptions,
  requireBoolean,
  requireOptions,
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
});
