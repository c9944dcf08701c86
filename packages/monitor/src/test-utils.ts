import * as tf from '@tensorflow/tfjs';
import type { GradientMap, StabilityPlugin } from '@gs/core';

/** The variables of a model, in `fit`'s order (for `trainer.step(lossFn, varList)`). */
export function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
}

/** A test plugin that replaces one variable's gradient with NaN (to check attribution). */
export function injectNaN(variableName: string, atStep = 0): StabilityPlugin {
  return {
    name: 'injectNaN',
    transformGradients(grads: GradientMap, ctx) {
      if (ctx.step !== atStep) return;
      return { ...grads, [variableName]: tf.mul(grads[variableName]!, Number.NaN) };
    },
  };
}
