import * as tf from '@tensorflow/tfjs';
import { requireOptions, type GradientMap, type StabilityPlugin } from '@gs/core';

/** Options for `centralizeGradients` (none yet; the object is accepted for symmetry with the other plugins). */
export type CentralizeGradientsOptions = Record<string, never>;

/**
 * Gradient centralization: the gradient of every weight with two or more axes (dense and conv
 * kernels) is made zero-mean per output unit, `g ← g − mean(g over all axes but the last)`, which
 * constrains the update to a hyperplane and smooths the loss landscape. Vectors (biases, norm
 * gains) are left unchanged. Stateless and linear, so its place in the plugin list (before or
 * after `accumulateGradients`) does not matter.
 *
 * Layout: tfjs kernels are `[...kernel, in, out]`, so an output unit is the last axis; this matches
 * the paper (PyTorch's `[out, in, ...]` reduced over all axes but the first). Optax `centralize`
 * reduces over all axes but the first of Flax's `[in, out]` kernels, i.e. per input unit.
 * Source: Yong et al. 2020 ("Gradient Centralization: A New Optimization Technique for Deep Neural
 * Networks"); anchor Optax `centralize`.
 *
 * @example
 * stabilize(tf.train.adam(1e-3), [centralizeGradients()], { model });
 */
export function centralizeGradients(options: CentralizeGradientsOptions = {}): StabilityPlugin {
  requireOptions<CentralizeGradientsOptions>('centralizeGradients', options, []);
  return {
    name: 'centralizeGradients',
    transformGradients(grads) {
      const result: GradientMap = {};
      for (const [name, g] of Object.entries(grads)) {
        if (g.rank < 2) {
          result[name] = g;
          continue;
        }
        const axes = Array.from({ length: g.rank - 1 }, (_, axis) => axis);
        result[name] = tf.sub(g, tf.mean(g, axes, true));
      }
      return result;
    },
  };
}
