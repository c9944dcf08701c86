import * as tf from '@tensorflow/tfjs';
import { requireInRange, requireInteger, requireOptions, requireTensor, type StabilityPlugin } from '@gs/core';
import { globalNorm, globalNormScale } from './global-norm.js';
import { mapGradients, selectLike } from './gradient-map.js';

/** Options for `autoClip`. */
export interface AutoClipOptions {
  /** Which percentile of past global norms becomes the clipping threshold, in (0, 100]. Default 10. */
  percentile?: number;
  /** How many past norms are kept (a ring buffer of the most recent ones). Default 1000. */
  history?: number;
}

/** The `clip_grad_norm_` eps the AutoClip reference implementation clips with. */
const EPS = 1e-6;

/**
 * The `percentile`-th percentile (numpy's default linear interpolation) of the first `count`
 * entries of `ascending`, on the device. `count` is a 0-d tensor; with no entries it is +Infinity.
 *
 * Formula: `pos = (count − 1)·percentile/100`, `lo = ⌊pos⌋`, `hi = min(lo + 1, count − 1)`,
 * `value = a[lo] + (a[hi] − a[lo])·(pos − lo)` (`numpy.percentile`, method 'linear').
 *
 * @example
 * percentileOfSorted(tf.tensor1d([1, 2, 3, Infinity]), tf.scalar(3), 50); // 2
 */
export function percentileOfSorted(ascending: tf.Tensor1D, count: tf.Scalar, percentile: number): tf.Scalar {
  const where = 'percentileOfSorted';
  requireTensor(where, 'ascending', ascending, 1);
  requireTensor(where, 'count', count, 0);
  requireInRange(where, 'percentile', percentile, 0, 100);
  return tf.tidy(() => {
    const last = tf.maximum(tf.sub(count, 1), 0);
    const position = tf.mul(last, percentile / 100);
    const lower = tf.floor(position);
    const upper = tf.minimum(tf.add(lower, 1), last);
    const fraction = tf.sub(position, lower);
    // Pick entries by masking rather than `gather` (whose cpu kernel reads its indices synchronously).
    const positions = tf.range(0, ascending.size);
    const pick = (index: tf.Tensor) => tf.sum(tf.where(tf.equal(positions, index), ascending, tf.zerosLike(ascending)));
    const low = pick(lower);
    const high = pick(upper);
    const value = tf.add(low, tf.mul(tf.sub(high, low), fraction));
    return tf.where(tf.greater(count, 0), value, tf.scalar(Infinity)) as tf.Scalar;
  });
}

/**
 * AutoClip: clips the global gradient norm to the `percentile`-th percentile of the global norms
 * seen so far, so the threshold adapts to the run instead of being hand-picked.
 *
 * Formula, each step: append `‖g‖₂` to the history, `threshold = percentile_p(history)` (linear
 * interpolation, as `numpy.percentile`), then `g ← g · min(1, threshold / (‖g‖₂ + 1e-6))`
 * (`clip_grad_norm_`). The current norm is part of the history, as in the reference code.
 * Defaults: `percentile = 10`, `history = 1000` (the paper keeps every norm; here the most recent
 * `history` are kept).
 *
 * The history lives on the device: a ring-buffer variable of `history` entries (empty slots hold
 * +Infinity, so they sort last), a count, and the percentile taken from `tf.topk` over the
 * buffer — no readback, no host sync. A step whose norm is zero or non-finite is not added to the
 * history and is passed through unscaled (put `nonFinite()` first to handle NaN/Inf).
 *
 * Records (when reporting): `norm` (before), `threshold`, `scale`, `clipped` (1 when scale < 1).
 *
 * Source: Seetharaman, Wichern, Pardo, Le Roux 2020, "AutoClip: Adaptive Gradient Clipping for
 * Source Separation Networks" (MLSP).
 *
 * @example
 * const optimizer = stabilize(tf.train.adam(1e-3), [autoClip({ percentile: 10 })]);
 */
export function autoClip(options: AutoClipOptions = {}): StabilityPlugin {
  const where = 'autoClip';
  const opts = requireOptions<AutoClipOptions>(where, options, ['percentile', 'history']);
  const percentile = requireInRange(where, 'percentile', opts.percentile ?? 10, 0, 100, { lowOpen: true });
  const size = requireInteger(where, 'history', opts.history ?? 1000);
  let history: tf.Variable | undefined;
  let count: tf.Variable | undefined;
  let slots: tf.Tensor | undefined;

  return {
    name: 'autoClip',
    setup() {
      if (history) return;
      // In a tidy, so the initial values copied into the variables are freed.
      tf.tidy(() => {
        history = tf.variable(tf.fill([size], Infinity), false);
        count = tf.variable(tf.scalar(0), false);
        slots = tf.keep(tf.range(0, size));
      });
    },
    transformGradients(grads, ctx) {
      if (!history || !count || !slots) throw new Error('autoClip: transformGradients ran before setup');
      const norm = globalNorm(grads);
      const observed = tf.logicalAnd(tf.isFinite(norm), tf.greater(norm, 0));
      const slot = tf.mod(count, size);
      const write = tf.logicalAnd(tf.equal(slots, slot), observed);
      const updatedHistory = selectLike(write, norm, history, history);
      const updatedCount = tf.add(count, tf.cast(observed, 'float32'));
      // Ascending order: topk of the negated values, negated back (+Infinity empty slots sort last).
      const ascending = tf.neg(tf.topk(tf.neg(updatedHistory), size).values) as tf.Tensor1D;
      const threshold = percentileOfSorted(ascending, tf.minimum(updatedCount, size) as tf.Scalar, percentile);
      const scale = tf.where(observed, globalNormScale(norm, threshold, EPS) as tf.Tensor, tf.scalar(1)) as tf.Scalar;
      history.assign(updatedHistory);
      count.assign(updatedCount);
      if (ctx.reporting) {
        ctx.record('norm', norm);
        ctx.record('threshold', threshold);
        ctx.record('scale', scale);
        ctx.record('clipped', tf.cast(tf.less(scale, 1), 'float32'));
      }
      return mapGradients(grads, (g) => tf.mul(g, scale));
    },
    dispose() {
      tf.dispose([history, count, slots].filter((t): t is tf.Tensor => t !== undefined));
      history = count = undefined;
      slots = undefined;
    },
  };
}
