import * as tf from '@tensorflow/tfjs';
import { requireFunction, requireInRange, requireOptions, type StabilityPlugin } from '@gs/core';
import { noteRan } from './plugin-order.js';
import { WeightCopies } from './weight-copies.js';

/** Options for `emaWeights`. */
export interface EmaWeightsOptions {
  /** Weight of the old average in each update, in [0, 1) (Keras `ema_momentum`). Default 0.99. */
  decay?: number;
}

/** An `emaWeights` plugin: keeps the average and swaps it into the model for evaluation. */
export interface EmaWeightsPlugin extends StabilityPlugin {
  /** Updates averaged so far. */
  readonly updates: number;
  /** Whether the averaged weights are in the model now (between `useAverage()` and `useTrainedWeights()`). */
  readonly usingAverage: boolean;
  /** Puts the averaged weights into the model's variables (the trained ones are kept aside). */
  useAverage(): void;
  /** Puts the trained weights back. */
  useTrainedWeights(): void;
  /**
   * Runs `fn` (sync or async) with the averaged weights in the model, then puts the trained ones
   * back, also when `fn` throws.
   */
  withAverage<T>(fn: () => T): T;
}

/**
 * An exponential moving average of the trained weights (Polyak averaging), kept on the device and
 * updated after every update of the wrapped optimizer:
 * `average ← decay · average + (1 − decay) · w`, with `average = w` after the first update
 * (Keras 3 `use_ema`: the momentum is 0 at the first iteration). The average is smoother than the
 * trained weights and often evaluates better; swap it in for evaluation and back for training:
 * `await ema.withAverage(() => model.evaluate(xs, ys))`. Swapping moves no data (tfjs variables
 * are re-pointed). Training while the average is swapped in is an error.
 *
 * Memory: one copy of the trainable weights. Not saved by `model.save` (save inside `withAverage`
 * to save the averaged weights). Default `decay = 0.99` (Keras `ema_momentum`).
 * Anchors: Keras `Optimizer(use_ema, ema_momentum)`, Optax `ema`; Polyak & Juditsky 1992.
 *
 * @example
 * const ema = emaWeights({ decay: 0.999 });
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [ema], { model }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 * await model.fit(xs, ys, { epochs: 10 });
 * const [loss, accuracy] = await ema.withAverage(() => model.evaluate(testXs, testYs) as tf.Scalar[]);
 */
export function emaWeights(options: EmaWeightsOptions = {}): EmaWeightsPlugin {
  const where = 'emaWeights';
  const opts = requireOptions<EmaWeightsOptions>(where, options, ['decay']);
  const decay = requireInRange(where, 'decay', opts.decay ?? 0.99, 0, 1, { highOpen: true });
  let average: WeightCopies | undefined;
  let updates = 0;
  const requireAverage = (method: string): WeightCopies => {
    if (!average) throw new Error(`${where}.${method}: there is no average yet (it starts with the first training step)`);
    return average;
  };

  return {
    name: where,
    get updates() {
      return updates;
    },
    get usingAverage() {
      return average?.inModel ?? false;
    },
    useAverage() {
      requireAverage('useAverage').swapIn();
    },
    useTrainedWeights() {
      requireAverage('useTrainedWeights').swapOut();
    },
    withAverage<T>(fn: () => T): T {
      const run = requireFunction<() => T>(`${where}.withAverage`, 'fn', fn);
      return requireAverage('withAverage').with(run);
    },
    setup(ctx) {
      average?.dispose();
      average = new WeightCopies(where, 'the averaged weights', ctx.params.map((param) => ctx.variables.get(param.name)!));
      updates = 0;
    },
    transformGradients() {
      average?.assertTrainable('call useTrainedWeights()');
    },
    afterUpdate(ctx) {
      noteRan(ctx, where);
      const momentum = updates === 0 ? 0 : decay;
      for (const { variable, copy } of average!.entries) {
        copy.assign(momentum === 0 ? variable : tf.add(tf.mul(copy, momentum), tf.mul(variable, 1 - momentum)));
      }
      updates++;
    },
    dispose() {
      average?.dispose();
      average = undefined;
    },
  };
}
