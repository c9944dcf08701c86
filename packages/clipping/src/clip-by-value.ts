import * as tf from '@tensorflow/tfjs';
import { requirePositive, type StabilityPlugin } from '@gs/core';
import { mapGradients, ratioOrOne } from './gradient-map.js';

/**
 * Clamps every gradient entry to `[-max, max]` (PyTorch `clip_grad_value_`, Keras `clipvalue`,
 * Optax `clip`).
 *
 * Formula: `g ← min(max(g, -max), max)` element-wise. No default: `max` is required (> 0).
 *
 * Records (when reporting): `norm` — global L2 norm before clipping; `scale` — global L2 norm after
 * divided by before (1 when nothing was clamped); `clipped` — 1 when some entry exceeded `max`.
 *
 * Source: Mikolov 2012 (thesis) / Pascanu et al. 2013; semantics of `torch.nn.utils.clip_grad_value_`.
 *
 * @example
 * model.compile({ optimizer: stabilize(tf.train.sgd(0.1), [clipByValue(0.5)]), loss: 'meanSquaredError' });
 */
export function clipByValue(max: number): StabilityPlugin {
  requirePositive('clipByValue', 'max', max);
  return {
    name: 'clipByValue',
    transformGradients(grads, ctx) {
      const clipped = mapGradients(grads, (g) => tf.clipByValue(g, -max, max));
      if (ctx.reporting) {
        const before = Object.values(grads);
        const after = Object.values(clipped);
        const sumOfSquares = (list: tf.Tensor[]) => (list.length ? tf.sum(tf.stack(list.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0)); // not addN: see globalNorm
        const normBefore = tf.sqrt(sumOfSquares(before));
        const largest = before.length ? tf.max(tf.stack(before.map((g) => tf.max(tf.abs(g))))) : tf.scalar(0);
        ctx.record('norm', normBefore);
        ctx.record('scale', ratioOrOne(tf.sqrt(sumOfSquares(after)), normBefore));
        ctx.record('clipped', tf.cast(tf.greater(largest, max), 'float32'));
      }
      return clipped;
    },
  };
}
