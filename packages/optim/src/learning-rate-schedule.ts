import * as tf from '@tensorflow/tfjs';
import { requireFunction, requireInteger, requireOptions, requireString, type StabilityPlugin } from '@gs/core';
import { claimLearningRate, releaseLearningRate, setLearningRate } from './learning-rate.js';

/** A learning-rate schedule plugin: sets the wrapped optimizer's rate to `base · factorAt(update)` before each update. */
export interface LearningRateSchedulePlugin extends StabilityPlugin {
  /**
   * The factor of the base rate at update `update` (0-based count of updates the wrapped optimizer
   * applied before this one). A host function: use it to plot or test the schedule.
   */
  factorAt(update: number): number;
  /** The rate the last update used, or `undefined` before the first. */
  readonly learningRate: number | undefined;
}

/** Options for `learningRateSchedule`. */
export interface LearningRateScheduleOptions {
  /** The plugin's name (prefix of what it records and of its errors). Default `'learningRateSchedule'`. */
  name?: string;
}

/**
 * Builds a schedule plugin from a factor function, after validating the factor it returns.
 * Shared by every schedule of this package.
 */
export function schedulePlugin(name: string, factorOf: (update: number) => number): LearningRateSchedulePlugin {
  let base: number | undefined;
  let learningRate: number | undefined;
  let optimizer: tf.Optimizer | undefined;
  const plugin: LearningRateSchedulePlugin = {
    name,
    get learningRate() {
      return learningRate;
    },
    factorAt(update: number): number {
      requireInteger(`${name}.factorAt`, 'update', update, 0);
      const factor = factorOf(update);
      if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
        throw new RangeError(`${name}: the factor at update ${update} must be a finite number ≥ 0, got ${String(factor)}`);
      }
      return factor;
    },
    setup(ctx) {
      if (optimizer && optimizer !== ctx.optimizer) releaseLearningRate(optimizer, plugin);
      optimizer = ctx.optimizer;
      base = claimLearningRate(name, ctx.optimizer, plugin);
    },
    transformGradients(_grads, ctx) {
      // The schedule's clock is the number of updates the wrapped optimizer applied (a host
      // number, restored by model.save/load with the optimizer's state). Steps a plugin deferred
      // (gradient accumulation) do not advance it.
      const update = ctx.optimizer.iterations;
      const factor = plugin.factorAt(update);
      learningRate = base! * factor;
      setLearningRate(name, ctx.optimizer, plugin, learningRate);
      if (ctx.reporting) {
        ctx.record('learningRate', learningRate);
        ctx.record('factor', factor);
      }
    },
    dispose() {
      if (optimizer) releaseLearningRate(optimizer, plugin);
      optimizer = undefined;
    },
  };
  return plugin;
}

/**
 * A custom learning-rate schedule: before each update the wrapped optimizer's rate is set to
 * `base · factorOf(update)`, where `base` is the optimizer's own rate (the one it was built with)
 * and `update` counts the updates it applied before this one (`optimizer.iterations`, so deferred
 * accumulation steps do not advance it, and it continues after `model.save`/load with
 * `includeOptimizer`). The rate is computed on the host and set without any readback; it works for
 * every tfjs optimizer (SGD and momentum through `setLearningRate`, the others through their
 * `learningRate` field), and the optimizer's `getConfig` keeps reporting the base rate while the
 * schedule runs. Records `learningRate` and `factor` (for the monitor).
 *
 * Use one schedule per optimizer: combine phases in one factor function.
 *
 * Anchors: Keras `LearningRateSchedule` (a function of the step), Optax schedules and `join_schedules`.
 *
 * @example
 * // 500 updates of linear warmup, then ×0.1 at 10 000 updates.
 * const schedule = learningRateSchedule((update) => (update < 500 ? update / 500 : update < 10_000 ? 1 : 0.1));
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [schedule], { model }), loss: 'meanSquaredError' });
 */
export function learningRateSchedule(
  factorOf: (update: number) => number,
  options: LearningRateScheduleOptions = {},
): LearningRateSchedulePlugin {
  const where = 'learningRateSchedule';
  const factorFunction = requireFunction<(update: number) => number>(where, 'factorOf', factorOf);
  const opts = requireOptions<LearningRateScheduleOptions>(where, options, ['name']);
  const name = requireString(where, 'name', opts.name ?? where);
  return schedulePlugin(name, factorFunction);
}
