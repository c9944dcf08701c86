import type * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from './optimizer-by-name.js';
import type { RecordedValue, StabilityPlugin } from './plugin.js';
import { checkStabilizeArguments, StabilizedOptimizer } from './stabilized-optimizer.js';
import { invalidOption, requireFunction, requireOptions } from './validate.js';

/** Options for `createTrainer`. */
export interface TrainerOptions {
  /** The optimizer that applies updates, e.g. `tf.train.adam(1e-3)`, or a name `model.compile` accepts, e.g. `'adam'`. */
  optimizer: tf.Optimizer | OptimizerName;
  /** Plugins, in hook order. Default none. */
  plugins?: readonly StabilityPlugin[];
  /** The model being trained, when there is one (see `StabilizeOptions.model`). */
  model?: tf.LayersModel;
  /** Plugins record and report every `every`-th step; the loss is read every step. Default 1. */
  every?: number;
}

/** What one `trainer.step` returns, as host numbers. */
export interface TrainerStepResult {
  /** 0-based index of the update. */
  step: number;
  /** The loss before the update. */
  loss: number;
  /** Values plugins recorded in this step, keyed `"<plugin name>/<name>"` (empty on non-reporting steps). */
  values: Record<string, RecordedValue>;
}

/** A small training loop driver for hand-written loops. */
export interface Trainer {
  /** The stabilized optimizer the trainer steps with. */
  readonly optimizer: StabilizedOptimizer;
  /** The first reason a plugin gave for stopping, if any. */
  readonly stopRequested: string | undefined;
  /**
   * Runs one step: computes `lossFn`'s gradients with respect to `varList` (default: all
   * trainable variables), runs the plugins and the update, then waits for the step's single
   * readback. Rejects when a plugin's `onReport` throws.
   */
  step(lossFn: () => tf.Scalar, varList?: tf.Variable[]): Promise<TrainerStepResult>;
  /** Disposes the optimizer and the plugins. */
  dispose(): void;
}

/**
 * Creates a trainer for custom loops: `await trainer.step(() => loss)` returns the step's loss and
 * the plugins' recorded values as host numbers.
 *
 * @example
 * const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [clipByGlobalNorm(1)] });
 * for (let i = 0; i < 100; i++) {
 *   const { loss } = await trainer.step(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor));
 * }
 */
export function createTrainer(options: TrainerOptions): Trainer {
  const where = 'createTrainer';
  if (options === undefined) invalidOption(where, 'options', 'an object such as {optimizer: tf.train.adam(1e-3), plugins}', options);
  const opts = requireOptions<TrainerOptions>(where, options, ['optimizer', 'plugins', 'model', 'every']);
  const { model, every } = opts;
  const checked = checkStabilizeArguments(where, opts.optimizer, opts.plugins ?? [], { model, every });
  const optimizer = new StabilizedOptimizer(checked.optimizer, opts.plugins ?? [], { model, every });
  return {
    optimizer,
    get stopRequested() {
      return optimizer.stopRequested;
    },
    async step(lossFn, varList) {
      requireFunction('trainer.step', 'lossFn', lossFn);
      const { loss, report } = optimizer.runStep(lossFn, varList, true);
      loss.dispose();
      const { step, loss: lossValue, values } = await report;
      await optimizer.flush();
      return { step, loss: lossValue ?? Number.NaN, values: { ...values } };
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
