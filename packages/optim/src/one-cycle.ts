import { requireInRange, requireInteger, requireOptions, requirePositive } from '@gs/core';
import { schedulePlugin, type LearningRateSchedulePlugin } from './learning-rate-schedule.js';

/** Options for `oneCycle`. */
export interface OneCycleOptions {
  /** Length of the cycle in updates (Optax `transition_steps`, PyTorch `total_steps`). Required. */
  totalSteps: number;
  /** Fraction of the cycle spent raising the rate, in (0, 1). Default 0.3. */
  pctStart?: number;
  /** The cycle starts at `base / divFactor`. Default 25. */
  divFactor?: number;
  /** …and ends at `base / (divFactor · finalDivFactor)`. Default 1e4. */
  finalDivFactor?: number;
}

/**
 * The one-cycle schedule with cosine phases around the wrapped optimizer's own rate `base` (the
 * peak): from `base/divFactor` up to `base` over the first `P = floor(pctStart · totalSteps)`
 * updates, then down to `base/(divFactor·finalDivFactor)` at `totalSteps`, where it stays — Optax
 * `cosine_onecycle_schedule(transition_steps, peak_value = base, pct_start, div_factor,
 * final_div_factor)`, PyTorch `OneCycleLR(anneal_strategy='cos')`. Within a phase from value `a`
 * to `b` over updates `[t₀, t₁)`: `rate = b + (a − b)/2 · (1 + cos(π · (t − t₀)/(t₁ − t₀)))`.
 * Defaults: `pctStart = 0.3`, `divFactor = 25`, `finalDivFactor = 1e4`. Records `learningRate` and
 * `factor`. Source: Smith & Topin 2017 ("Super-convergence").
 *
 * @example
 * stabilize(tf.train.sgd(0.5), [oneCycle({ totalSteps: 5000 })], { model });
 */
export function oneCycle(options: OneCycleOptions): LearningRateSchedulePlugin {
  const where = 'oneCycle';
  const opts = requireOptions<OneCycleOptions>(where, options, ['totalSteps', 'pctStart', 'divFactor', 'finalDivFactor']);
  const totalSteps = requireInteger(where, 'totalSteps', opts.totalSteps);
  const pctStart = requireInRange(where, 'pctStart', opts.pctStart ?? 0.3, 0, 1, { lowOpen: true, highOpen: true });
  const divFactor = requirePositive(where, 'divFactor', opts.divFactor ?? 25);
  const finalDivFactor = requirePositive(where, 'finalDivFactor', opts.finalDivFactor ?? 1e4);
  const peakAt = Math.floor(pctStart * totalSteps);
  const startFactor = 1 / divFactor;
  const endFactor = startFactor / finalDivFactor;
  const cosineBetween = (from: number, to: number, fraction: number) => to + ((from - to) / 2) * (1 + Math.cos(Math.PI * fraction));
  return schedulePlugin(where, (update) => {
    if (update >= totalSteps) return endFactor;
    if (update < peakAt) return cosineBetween(startFactor, 1, update / peakAt);
    return cosineBetween(1, endFactor, (update - peakAt) / Math.max(totalSteps - peakAt, 1));
  });
}
