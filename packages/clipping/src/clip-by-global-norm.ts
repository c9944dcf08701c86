import * as tf from '@tensorflow/tfjs';
import { requirePositive, type StabilityPlugin } from '@gs/core';
import { globalNorm, globalNormScale, validateGlobalNormOptions, type GlobalNormOptions } from './global-norm.js';

/**
 * Rescales all gradients together so their global norm is at most `max`, with the semantics of
 * PyTorch `torch.nn.utils.clip_grad_norm_`.
 *
 * Formula: `total = ‖(g₁, …, gₙ)‖_p` (p = `normType`), `scale = min(1, max / (total + eps))`,
 * `gᵢ ← scale · gᵢ`. The factor is always applied on the device (1 when under the limit), so there
 * is no branch and no host sync. A non-finite total makes every gradient non-finite (as in
 * PyTorch); put `nonFinite()` first to handle NaN/Inf.
 * Defaults: `normType = 2`, `eps = 1e-6`.
 *
 * Records (when reporting): `norm` (total before clipping), `scale`, `clipped` (1 when scale < 1).
 *
 * Source: Pascanu et al. 2013, "On the difficulty of training recurrent neural networks".
 *
 * @example
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [clipByGlobalNorm(1)]), loss: 'meanSquaredError' });
 */
export function clipByGlobalNorm(max: number, options: GlobalNormOptions = {}): StabilityPlugin {
  requirePositive('clipByGlobalNorm', 'max', max);
  const { normType, eps } = validateGlobalNormOptions('clipByGlobalNorm', options);
  return {
    name: 'clipByGlobalNorm',
    transformGradients(grads, ctx) {
      // The L2 norm comes from core's shared per-parameter Σg² (computed once per step for every
      // plugin that asks); the scaling is fused with the other plugins' into one pass.
      const norm = normType === 2 ? (tf.sqrt(tf.sum(ctx.reductions.squaredNorms(grads))) as tf.Scalar) : globalNorm(grads, normType);
      const scale = globalNormScale(norm, max, eps);
      if (ctx.reporting) {
        ctx.record('norm', norm);
        ctx.record('scale', scale);
        ctx.record('clipped', tf.cast(tf.less(scale, 1), 'float32'));
      }
      return ctx.scaleGradients(grads, scale);
    },
  };
}
