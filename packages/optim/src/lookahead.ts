import * as tf from '@tensorflow/tfjs';
import { requireFunction, requireInRange, requireInteger, requireOptions, type StabilityPlugin } from '@gs/core';
import { noteRan } from './plugin-order.js';
import { WeightCopies } from './weight-copies.js';

/** Options for `lookahead`. */
export interface LookaheadOptions {
  /** Fast (wrapped-optimizer) updates between synchronizations, k. Default 5. */
  syncPeriod?: number;
  /** Step of the slow weights towards the fast ones at a synchronization, α in (0, 1]. Default 0.5. */
  slowStepSize?: number;
}

/** A `lookahead` plugin: also gives access to the slow weights. */
export interface LookaheadPlugin extends StabilityPlugin {
  /** Fast updates since the last synchronization. */
  readonly sinceSync: number;
  /** Runs `fn` (sync or async) with the slow weights in the model, then puts the fast ones back. */
  withSlowWeights<T>(fn: () => T): T;
}

/**
 * Lookahead: the wrapped optimizer takes `syncPeriod` fast updates, then the slow weights move a
 * fraction of the way towards where the fast ones got and the fast weights restart from there:
 * every k-th update, `slow ← slow + α · (fast − slow)`, `fast ← slow`. The slow weights start at
 * the weights of the first step. The schedule is a host count of updates (no readback); the
 * wrapped optimizer's state is kept across synchronizations (Optax `reset_state = False`).
 * Memory: one copy of the trainable weights. Not saved by `model.save`: after load, the slow
 * weights restart from the loaded ones.
 * Defaults: `syncPeriod = 5`, `slowStepSize = 0.5` (the paper's k = 5, α = 0.5).
 * Anchors: Optax `lookahead(fast_optimizer, sync_period, slow_step_size)`; Zhang et al. 2019
 * ("Lookahead Optimizer: k steps forward, 1 step back").
 *
 * @example
 * stabilize(tf.train.adam(1e-3), [lookahead({ syncPeriod: 5, slowStepSize: 0.5 })], { model });
 */
export function lookahead(options: LookaheadOptions = {}): LookaheadPlugin {
  const where = 'lookahead';
  const opts = requireOptions<LookaheadOptions>(where, options, ['syncPeriod', 'slowStepSize']);
  const syncPeriod = requireInteger(where, 'syncPeriod', opts.syncPeriod ?? 5);
  const slowStepSize = requireInRange(where, 'slowStepSize', opts.slowStepSize ?? 0.5, 0, 1, { lowOpen: true });
  let slow: WeightCopies | undefined;
  let sinceSync = 0;

  return {
    name: where,
    get sinceSync() {
      return sinceSync;
    },
    withSlowWeights<T>(fn: () => T): T {
      const run = requireFunction<() => T>(`${where}.withSlowWeights`, 'fn', fn);
      if (!slow) throw new Error(`${where}.withSlowWeights: there are no slow weights yet (they start with the first training step)`);
      return slow.with(run);
    },
    setup(ctx) {
      slow?.dispose();
      slow = new WeightCopies(where, 'the slow weights', ctx.params.map((param) => ctx.variables.get(param.name)!));
      sinceSync = 0;
    },
    transformGradients() {
      slow?.assertTrainable('let the function given to withSlowWeights return');
    },
    afterUpdate(ctx) {
      noteRan(ctx, where);
      sinceSync++;
      if (sinceSync < syncPeriod) return;
      sinceSync = 0;
      for (const { variable, copy } of slow!.entries) {
        const synced = tf.add(copy, tf.mul(tf.sub(variable, copy), slowStepSize));
        copy.assign(synced);
        variable.assign(synced);
      }
    },
    dispose() {
      slow?.dispose();
      slow = undefined;
    },
  };
}
