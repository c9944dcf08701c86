import * as tf from '@tensorflow/tfjs';
import { requireOptions, requirePositive, sumOfSquares, type GradientMap, type StabilityPlugin } from '@gs/core';

/** Options for `skipLargeUpdates`. */
export interface SkipLargeUpdatesOptions {
  /** The largest global L2 norm of the gradients that is applied; steps at or above it are skipped. Required. */
  maxNorm: number;
}

/**
 * Skips a step whose gradients are too large or not finite: when `‖g‖₂² < maxNorm²` does not hold
 * (also when the norm is NaN or ±Infinity), every weight is left unchanged, decided on the device
 * (core's `ctx.skipUpdateIf`), and the wrapped optimizer gets zeros so no NaN reaches its state
 * (it still runs: its moments decay and `iterations` advances, as with `nonFinite({policy: 'skip'})`).
 * The norm is measured on the gradients as they reach this plugin (the "updates" of the chain so
 * far). After `accumulateGradients` it judges the accumulated gradient. Before it, it judges each
 * micro-batch: a skipped micro-batch contributes zero (the mean still divides by `steps`), except
 * the last one of a window, whose skip undoes that window's whole update.
 *
 * To zero NaN entries instead, or to skip only non-finite steps with a count and a limit, use
 * `nonFinite` from `@gs/clipping`. Records `norm` and `skipped` (1 or 0).
 * Anchor: Optax `skip_large_updates(updates, gradient_step, params, max_squared_norm)` (the
 * `should_skip_update_fn` of `MultiSteps`), with `maxSquaredNorm = maxNorm²`.
 *
 * @example
 * stabilize(tf.train.adam(1e-3), [skipLargeUpdates({ maxNorm: 100 })], { model });
 */
export function skipLargeUpdates(options: SkipLargeUpdatesOptions): StabilityPlugin {
  const where = 'skipLargeUpdates';
  const opts = requireOptions<SkipLargeUpdatesOptions>(where, options, ['maxNorm']);
  const maxNorm = requirePositive(where, 'maxNorm', opts.maxNorm);
  const maxSquaredNorm = maxNorm * maxNorm;
  return {
    name: where,
    transformGradients(grads, ctx) {
      const gradients = Object.values(grads);
      if (gradients.length === 0) return;
      // stack + sum rather than addN: WebGPU's AddN fails beyond 7 inputs.
      const squaredNorm = tf.sum(tf.stack(gradients.map((g) => sumOfSquares(g))));
      const skip = tf.logicalNot(tf.less(squaredNorm, maxSquaredNorm));
      ctx.skipUpdateIf(skip);
      const skipValue = tf.cast(skip, 'float32');
      // The condition broadcast to each shape (with an add: tf.where's own broadcast goes through
      // Tile, which the cpu backend runs with a synchronous read) and zeros of that shape, built
      // once per distinct shape: most layers share theirs.
      const byShape = new Map<string, { condition: tf.Tensor; zeros: tf.Tensor }>();
      const result: GradientMap = {};
      for (const [name, g] of Object.entries(grads)) {
        const key = g.shape.join(',');
        let broadcast = byShape.get(key);
        if (!broadcast) {
          const zeros = tf.zerosLike(g);
          broadcast = { condition: tf.notEqual(tf.add(zeros, skipValue), 0), zeros };
          byShape.set(key, broadcast);
        }
        result[name] = tf.where(broadcast.condition, broadcast.zeros, g);
      }
      if (ctx.reporting) {
        ctx.record('norm', tf.sqrt(squaredNorm));
        ctx.record('skipped', skipValue);
      }
      return result;
    },
  };
}
