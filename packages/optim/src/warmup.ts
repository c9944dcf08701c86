import { requireInRange, requireInteger, requireOneOf, requireOptions } from '@gs/core';
import { schedulePlugin, type LearningRateSchedulePlugin } from './learning-rate-schedule.js';

/** The shape of the warmup ramp. */
export type WarmupCurve = 'linear' | 'exponential';

/** Options for `warmup`. */
export interface WarmupOptions {
  /**
   * Length of the warmup in updates. `'linear'`: the rate reaches the base rate after `steps`
   * updates. `'exponential'`: the time constant (63 % of the base rate after `steps` updates,
   * 95 % after `3·steps`). Required.
   */
  steps: number;
  /** `'linear'` (default) or `'exponential'`. */
  curve?: WarmupCurve;
  /** The factor of the base rate at the first update, in [0, 1]. Default 0. */
  startFactor?: number;
}

/**
 * Learning-rate warmup of the wrapped optimizer's own rate `base` (the rate it was built with),
 * the standard fix for early divergence of Adam in deep and post-norm networks. With `t` the
 * number of updates applied before this one and `s = startFactor`:
 *
 * - `'linear'`: `rate = base · (s + (1 − s) · min(t, steps) / steps)` — Optax
 *   `linear_schedule(s·base, base, steps)`, the warmup phase of `warmup_cosine_decay_schedule`;
 *   Goyal et al. 2017 ("gradual warmup").
 * - `'exponential'`: `rate = base · (s + (1 − s) · (1 − exp(−t / steps)))` — Ma & Yarats 2021
 *   ("On the adequacy of untuned warmup for adaptive optimization"; with `steps = 1/(1 − β₂)` it
 *   is their untuned exponential warmup for Adam).
 *
 * After the warmup the rate stays at `base`. With the default `startFactor = 0` the first update
 * has rate 0 (as Optax's and Hugging Face's linear warmups): Adam's moments see the first
 * gradients before any weight moves. Works with every tfjs optimizer, records `learningRate` and
 * `factor`, and continues where it was after `model.save`/load (see `learningRateSchedule`).
 * Sources: Goyal et al. 2017; Liu et al. 2020 (RAdam: why Adam needs warmup); Xiong et al. 2020
 * (post-LN transformers need warmup).
 *
 * @example
 * const optimizer = stabilize(tf.train.adam(1e-3), [warmup({ steps: 1000 })], { model });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 */
export function warmup(options: WarmupOptions): LearningRateSchedulePlugin {
  const where = 'warmup';
  const opts = requireOptions<WarmupOptions>(where, options, ['steps', 'curve', 'startFactor']);
  const steps = requireInteger(where, 'steps', opts.steps);
  const curve = requireOneOf<WarmupCurve>(where, 'curve', opts.curve ?? 'linear', ['linear', 'exponential']);
  const start = requireInRange(where, 'startFactor', opts.startFactor ?? 0, 0, 1);
  const progress =
    curve === 'linear'
      ? (update: number) => Math.min(update, steps) / steps
      : (update: number) => 1 - Math.exp(-update / steps);
  return schedulePlugin(where, (update) => start + (1 - start) * progress(update));
}
