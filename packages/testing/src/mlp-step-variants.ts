import * as tf from '@tensorflow/tfjs';
import { buildMlp } from './fixtures.js';
import type { StepVariant } from './step-timing.js';

/** Size of the benchmark network: `depth` hidden layers of `width` units, 10 softmax outputs. */
export interface MlpBenchmarkSize {
  depth: number;
  width: number;
  /** Examples per step. Default 128. */
  batch?: number;
  /** Activation of the hidden layers. Default 'sigmoid'. */
  activation?: 'sigmoid' | 'relu' | 'tanh';
}

/**
 * The training step every package benchmarks against: an MLP (sigmoid by default) on a fixed random batch with
 * softmax cross-entropy. Returns a factory of `StepVariant`s; each variant gets its own model
 * (same seeds, so the same weights) and the optimizer `makeOptimizer(model)` builds, and steps
 * with `optimizer.minimize(loss, true, weights)`.
 *
 * @example
 * const variant = mlpStepVariants({ depth: 20, width: 256 });
 * await compareStepTimes([variant('bare', () => tf.train.sgd(0.01)), variant('clipped', () => stabilize(...))]);
 */
export function mlpStepVariants({ depth, width, batch = 128, activation = 'sigmoid' }: MlpBenchmarkSize) {
  const xs = tf.randomNormal([batch, width], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2), 10).toFloat();
  return (name: string, makeOptimizer: (model: tf.LayersModel) => tf.Optimizer): StepVariant => {
    const model = buildMlp({ inputSize: width, depth, width, activation, outputUnits: 10, outputActivation: 'softmax' });
    const optimizer = makeOptimizer(model);
    const weights = model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
    const loss = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar;
    return { name, step: () => optimizer.minimize(loss, true, weights) ?? undefined };
  };
}
