import * as tf from '@tensorflow/tfjs';
import { requirePositive, type StabilityPlugin } from '@gs/core';
import { mapGradients } from './gradient-map.js';

/**
 * Rescales each gradient tensor ("block") on its own so its root-mean-square is at most
 * `threshold` (Optax `clip_by_block_rms`).
 *
 * Formula: per tensor, `rms = sqrt(mean(g²))`, `g ← g / max(1, rms / threshold)`.
 * No default: `threshold` is required (> 0).
 *
 * Records (when reporting), one entry per gradient: `norm` (the rms before), `scale`
 * (`1 / max(1, rms/threshold)`), `clipped` (1 where rms > threshold).
 *
 * Source: Optax `clip_by_block_rms` (DeepMind).
 *
 * @example
 * const optimizer = stabilize(tf.train.adam(1e-3), [clipByBlockRms(0.1)]);
 */
export function clipByBlockRms(threshold: number): StabilityPlugin {
  requirePositive('clipByBlockRms', 'threshold', threshold);
  return {
    name: 'clipByBlockRms',
    transformGradients(grads, ctx) {
      const rmsList: tf.Tensor[] = [];
      const scales: tf.Tensor[] = [];
      const clipped = mapGradients(grads, (g) => {
        const rms = tf.sqrt(tf.mean(tf.square(g)));
        const denominator = tf.maximum(1, tf.div(rms, threshold));
        rmsList.push(rms);
        scales.push(tf.div(1, denominator));
        return tf.div(g, denominator);
      });
      if (ctx.reporting && rmsList.length > 0) {
        const rmsVector = tf.stack(rmsList);
        ctx.record('norm', rmsVector);
        ctx.record('scale', tf.stack(scales));
        ctx.record('clipped', tf.cast(tf.greater(rmsVector, threshold), 'float32'));
      }
      return clipped;
    },
  };
}
