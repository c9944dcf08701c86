import { invalidOption, requireNonNegative, requireOptions } from '@gs/core';
import { schedulePlugin, type LearningRateSchedulePlugin } from './learning-rate-schedule.js';

/** Options for `stepDecay`. */
export interface StepDecayOptions {
  /** Update counts at which the rate drops, increasing (e.g. `[30_000, 60_000]`). Required, at least one. */
  boundaries: readonly number[];
  /** The factor applied at each boundary: one number for all, or one per boundary. Default 0.1. */
  factor?: number | readonly number[];
}

/**
 * Step decay of the wrapped optimizer's own rate `base`: the rate is multiplied by `factor` at each
 * boundary, `rate = base · ∏_{i : t ≥ boundaries[i]} factor_i`, with `t` the number of updates
 * applied before this one — Optax `piecewise_constant_schedule(base, {boundary: factor})`, PyTorch
 * `MultiStepLR(milestones, gamma)`; `boundaries = [k, 2k, 3k, …]` gives `StepLR(k, gamma)` and Keras
 * `ExponentialDecay(staircase=True)`. Default `factor = 0.1`. Records `learningRate` and `factor`.
 * Source: He et al. 2016 (ResNet: ÷10 at fixed epochs).
 *
 * @example
 * stabilize(tf.train.momentum(0.1, 0.9), [stepDecay({ boundaries: [30_000, 60_000], factor: 0.1 })], { model });
 */
export function stepDecay(options: StepDecayOptions): LearningRateSchedulePlugin {
  const where = 'stepDecay';
  const opts = requireOptions<StepDecayOptions>(where, options, ['boundaries', 'factor']);
  const boundaries = opts.boundaries;
  if (
    !Array.isArray(boundaries) ||
    boundaries.length === 0 ||
    !boundaries.every((b, i) => Number.isInteger(b) && b >= 1 && (i === 0 || b > boundaries[i - 1]!))
  ) {
    invalidOption(where, 'boundaries', 'a non-empty array of increasing integers ≥ 1', boundaries);
  }
  const given = opts.factor ?? 0.1;
  let factors: number[];
  if (Array.isArray(given)) {
    if (given.length !== boundaries.length) {
      invalidOption(where, 'factor', `one number, or one per boundary (${boundaries.length})`, given);
    }
    factors = given.map((f, i) => requireNonNegative(where, `factor[${i}]`, f));
  } else {
    const single = requireNonNegative(where, 'factor', given);
    factors = boundaries.map(() => single);
  }
  return schedulePlugin(where, (update) =>
    boundaries.reduce((product, boundary, i) => (update >= boundary ? product * factors[i]! : product), 1),
  );
}
