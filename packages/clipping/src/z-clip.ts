import * as tf from '@tensorflow/tfjs';
import {
  requireOptions,
  requireInRange,
  requireInteger,
  requireNonNegative,
  requireOneOf,
  requirePositive,
  type StabilityPlugin,
} from '@gs/core';
import { globalNorm, globalNormScale } from './global-norm.js';
import { mapGradients, selectLike } from './gradient-map.js';

/** Where `zClip` clips a spike to. */
export type ZClipTarget = 'threshold' | 'reciprocal';

/** Options for `zClip`. */
export interface ZClipOptions {
  /** EMA smoothing factor for the mean and variance of the global norm, in (0, 1). Default 0.97. */
  alpha?: number;
  /** z-score above which a norm counts as a spike. Default 2.5. */
  zThreshold?: number;
  /** Number of norms collected (never clipped) before the statistics start. Default 25. */
  warmup?: number;
  /**
   * What a spike is clipped to: `'threshold'` → `μ + zThreshold·σ` (default), `'reciprocal'` →
   * `μ + zThreshold²·σ / z` (the reference implementation's `adaptive_scaling`, which clips larger
   * outliers harder).
   */
  clipTo?: ZClipTarget;
  /** Added to σ in the z-score's denominator. Default 1e-6. */
  eps?: number;
}

/** The `clip_grad_norm_`-style eps of the rescaling coefficient (as in the reference code). */
const SCALE_EPS = 1e-6;

/**
 * ZClip: clips the global gradient norm when it is an outlier relative to an exponential moving
 * average of past norms (a z-score test), instead of at a fixed threshold.
 *
 * Exact rule, each step, with `g = ‖grads‖₂`:
 * - warm-up: the first `warmup` norms are collected and not clipped; then `μ = mean`,
 *   `v = mean((gᵢ − μ)²)` (population variance) of those norms.
 * - after: `σ = √v`, `z = (g − μ) / (σ + eps)`. If `z > zThreshold` the step is a spike: the
 *   target is `t = μ + zThreshold·σ` (`clipTo: 'reciprocal'`: `t = μ + zThreshold²·σ/z`) and
 *   `grads ← grads · min(1, t / (g + 1e-6))`; else `t = g` and grads are unchanged.
 * - then the statistics take the (clipped) norm: `μ ← α·μ + (1−α)·t`, `v ← α·v + (1−α)·(t − μ)²`
 *   (with the new μ, as in the reference code).
 * Everything is decided on the device (state in variables, factor multiplied in). A step whose
 * norm is zero or non-finite changes no statistics and is passed through unscaled.
 * Defaults: `alpha = 0.97`, `zThreshold = 2.5`, `warmup = 25`, `clipTo = 'threshold'`, `eps = 1e-6`.
 *
 * Records (when reporting): `norm` (before), `mean` and `std` the z-test used (0 during warm-up),
 * `z` (0 during warm-up), `scale`, `clipped` (1 on a clipped spike).
 *
 * Source: Kumar et al. 2025, "ZClip: Adaptive Spike Mitigation for LLM Pre-Training"
 * (arXiv:2504.02507), and its reference implementation (bluorion-com/ZClip, z-score mode).
 *
 * @example
 * const optimizer = stabilize(tf.train.adam(1e-3), [zClip({ zThreshold: 2.5 })]);
 */
export function zClip(options: ZClipOptions = {}): StabilityPlugin {
  const where = 'zClip';
  const opts = requireOptions<ZClipOptions>(where, options, ['alpha', 'zThreshold', 'warmup', 'clipTo', 'eps']);
  const alpha = requireInRange(where, 'alpha', opts.alpha ?? 0.97, 0, 1, { lowOpen: true, highOpen: true });
  const zThreshold = requirePositive(where, 'zThreshold', opts.zThreshold ?? 2.5);
  const warmup = requireInteger(where, 'warmup', opts.warmup ?? 25);
  const clipTo = requireOneOf<ZClipTarget>(where, 'clipTo', opts.clipTo ?? 'threshold', ['threshold', 'reciprocal']);
  const eps = requireNonNegative(where, 'eps', opts.eps ?? 1e-6);

  let state: { warmupNorms: tf.Variable; mean: tf.Variable; variance: tf.Variable; count: tf.Variable; slots: tf.Tensor } | undefined;

  return {
    name: 'zClip',
    setup() {
      if (state) return;
      // In a tidy, so the initial values copied into the variables are freed.
      state = tf.tidy(() => ({
        warmupNorms: tf.variable(tf.zeros([warmup]), false),
        mean: tf.variable(tf.scalar(0), false),
        variance: tf.variable(tf.scalar(0), false),
        count: tf.variable(tf.scalar(0), false),
        slots: tf.keep(tf.range(0, warmup)),
      }));
    },
    transformGradients(grads, ctx) {
      if (!state) throw new Error('zClip: transformGradients ran before setup');
      const { warmupNorms, mean, variance, count, slots } = state;
      const norm = globalNorm(grads);
      const observed = tf.logicalAnd(tf.isFinite(norm), tf.greater(norm, 0));
      const warmingUp = tf.less(count, warmup);
      const active = tf.logicalAnd(observed, tf.logicalNot(warmingUp));

      // Warm-up: store the norm; when the last warm-up norm arrives, start the statistics.
      const collect = tf.logicalAnd(observed, warmingUp);
      const norms = selectLike(tf.logicalAnd(tf.equal(slots, count), collect), norm, warmupNorms, warmupNorms);
      const updatedCount = tf.add(count, tf.cast(observed, 'float32'));
      const startNow = tf.logicalAnd(collect, tf.equal(updatedCount, warmup));
      const startMean = tf.mean(norms);
      const startVariance = tf.mean(tf.square(tf.sub(norms, startMean)));

      // After warm-up: z-score test against the statistics so far.
      const std = tf.sqrt(variance);
      const z = tf.div(tf.sub(norm, mean), tf.add(std, eps));
      const spike = tf.logicalAnd(active, tf.greater(z, zThreshold));
      const target =
        clipTo === 'threshold'
          ? tf.add(mean, tf.mul(std, zThreshold))
          : tf.add(mean, tf.div(tf.mul(std, zThreshold * zThreshold), z));
      const scale = tf.where(spike, globalNormScale(norm as tf.Scalar, target as tf.Scalar, SCALE_EPS), tf.scalar(1));
      const taken = tf.where(spike, target, norm);
      const emaMean = tf.add(tf.mul(mean, alpha), tf.mul(taken, 1 - alpha));
      const emaVariance = tf.add(tf.mul(variance, alpha), tf.mul(tf.square(tf.sub(taken, emaMean)), 1 - alpha));

      if (ctx.reporting) {
        ctx.record('norm', norm);
        ctx.record('mean', tf.clone(mean));
        ctx.record('std', std);
        ctx.record('z', tf.where(active, z, tf.scalar(0)));
        ctx.record('scale', scale);
        ctx.record('clipped', tf.cast(tf.less(scale, 1), 'float32'));
      }
      mean.assign(tf.where(startNow, startMean, tf.where(active, emaMean, mean)));
      variance.assign(tf.where(startNow, startVariance, tf.where(active, emaVariance, variance)));
      warmupNorms.assign(norms);
      count.assign(updatedCount);
      return mapGradients(grads, (g) => tf.mul(g, scale));
    },
    dispose() {
      if (!state) return;
      tf.dispose(Object.values(state));
      state = undefined;
    },
  };
}
