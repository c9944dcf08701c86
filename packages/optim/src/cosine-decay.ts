import { invalidOption, requireInRange, requireInteger, requireNonNegative, requireOptions } from '@gs/core';
import { schedulePlugin, type LearningRateSchedulePlugin } from './learning-rate-schedule.js';

/** Options for `cosineDecay`. */
export interface CosineDecayOptions {
  /** Total length of the schedule in updates, warmup included (Optax `decay_steps`). Required. */
  decaySteps: number;
  /** Updates of linear warmup from `startFactor` to 1 before the decay. Default 0. */
  warmupSteps?: number;
  /** The factor at the first warmup update, in [0, 1]. Default 0. */
  startFactor?: number;
  /** The factor the decay ends at (and stays at), in [0, 1] (Optax `end_value / peak_value`). Default 0. */
  endFactor?: number;
  /** Exponent of the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Cosine decay of the wrapped optimizer's own rate `base`, after an optional linear warmup —
 * Optax `warmup_cosine_decay_schedule(init_value = startFactor·base, peak_value = base,
 * warmup_steps, decay_steps, end_value = endFactor·base, exponent)`; Keras `CosineDecay` with
 * `warmup_steps`. With `t` the number of updates applied before this one, `W = warmupSteps`,
 * `D = decaySteps − W`:
 *
 * - `t < W`: `factor = startFactor + (1 − startFactor) · t / W`;
 * - `t ≥ W`: `c = ½(1 + cos(π · min(t − W, D) / D))`, `factor = (1 − endFactor) · c^exponent + endFactor`.
 *
 * Defaults: `warmupSteps = 0`, `startFactor = 0`, `endFactor = 0`, `exponent = 1`. Records
 * `learningRate` and `factor`. Source: Loshchilov & Hutter 2017 (SGDR).
 *
 * @example
 * stabilize(tf.train.adam(3e-4), [cosineDecay({ decaySteps: 10_000, warmupSteps: 500, endFactor: 0.1 })], { model });
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedulePlugin {
  const where = 'cosineDecay';
  const opts = requireOptions<CosineDecayOptions>(where, options, ['decaySteps', 'warmupSteps', 'startFactor', 'endFactor', 'exponent']);
  const decaySteps = requireInteger(where, 'decaySteps', opts.decaySteps);
  const warmupSteps = requireInteger(where, 'warmupSteps', opts.warmupSteps ?? 0, 0);
  if (warmupSteps >= decaySteps) {
    invalidOption(where, 'warmupSteps', `less than decaySteps (${decaySteps}), which includes the warmup`, warmupSteps);
  }
  const start = requireInRange(where, 'startFactor', opts.startFactor ?? 0, 0, 1);
  const end = requireInRange(where, 'endFactor', opts.endFactor ?? 0, 0, 1);
  const exponent = requireNonNegative(where, 'exponent', opts.exponent ?? 1);
  const cosineSteps = decaySteps - warmupSteps;
  return schedulePlugin(where, (update) => {
    if (update < warmupSteps) return start + ((1 - start) * update) / warmupSteps;
    const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(update - warmupSteps, cosineSteps)) / cosineSteps));
    return (1 - end) * cosine ** exponent + end;
  });
}
