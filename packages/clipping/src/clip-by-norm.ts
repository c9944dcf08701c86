import * as tf from '@tensorflow/tfjs';
import { requirePositive, type StabilityPlugin } from '@gs/core';
import { mapGradients } from './gradient-map.js';

/**
 * Rescales each gradient tensor on its own so its L2 norm is at most `max` (Keras `clipnorm`,
 * `tf.clip_by_norm`).
 *
 * Formula: per tensor, `scale = max / maximum(‖g‖₂, max)` (= `min(1, max/‖g‖₂)`, and 1 for a zero
 * gradient), `g ← scale · g`. No default: `max` is required (> 0).
 *
 * Records (when reporting), one entry per gradient in the step's order: `norm` (‖g‖₂ before),
 * `scale`, `clipped` (1 where ‖g‖₂ > max).
 *
 * Source: Keras optimizer `clipnorm` (which applies `clip_by_norm` to each gradient separately).
 *
 * @example
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [clipByNorm(1)]), loss: 'meanSquaredError' });
 */
export function clipByNorm(max: number): StabilityPlugin {
  requirePositive('clipByNorm', 'max', max);
  return {
    name: 'clipByNorm',
    transformGradients(grads, ctx) {
      const norms: tf.Tensor[] = [];
      const scales: tf.Tensor[] = [];
      const clipped = mapGradients(grads, (g) => {
        const norm = tf.sqrt(tf.sum(tf.square(g)));
        const scale = tf.div(max, tf.maximum(norm, max));
        norms.push(norm);
        scales.push(scale);
        return tf.mul(g, scale);
      });
      if (ctx.reporting && norms.length > 0) {
        const normVector = tf.stack(norms);
        ctx.record('norm', normVector);
        ctx.record('scale', tf.stack(scales));
        ctx.record('clipped', tf.cast(tf.greater(normVector, max), 'float32'));
      }
      return clipped;
    },
  };
}
