import * as tf from '@tensorflow/tfjs';
import {
  invalidOption,
  requireFinite,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requirePositive,
  requireTensor,
  sumOfSquares,
  type GradientMap,
} from '@gs/core';
import { mapGradients } from './gradient-map.js';

/** The norms `globalNorm` and `clipByGlobalNorm` support: L2 (default), L1 and the max norm. */
export type NormType = 2 | 1 | typeof Infinity;

/** The allowed `normType` values, for validation. */
export const NORM_TYPES: readonly NormType[] = [2, 1, Infinity];

/** Options for `clipGradsByGlobalNorm` and `clipByGlobalNorm`. */
export interface GlobalNormOptions {
  /** Which norm: 2 (Euclidean, default), 1 (sum of absolute values) or `Infinity` (largest absolute value). */
  normType?: NormType;
  /** Added to the norm in the denominator of the coefficient. Default 1e-6 (PyTorch). */
  eps?: number;
}

/** What `clipGradsByGlobalNorm` returns. */
export interface ClippedGradients {
  /** The clipped gradients, same keys and shapes (new tensors, owned by the caller). */
  grads: GradientMap;
  /** The global norm before clipping, a scalar on the device. */
  norm: tf.Scalar;
  /** The coefficient every gradient was multiplied by, `min(1, max / (norm + eps))`. */
  scale: tf.Scalar;
}

/** Checks a gradient map argument. */
export function requireGradientMap(where: string, grads: unknown): GradientMap {
  const isMap = grads !== null && typeof grads === 'object' && Object.getPrototypeOf(grads) === Object.prototype;
  if (!isMap) invalidOption(where, 'grads', 'a map of variable name → gradient tensor', grads);
  for (const [name, gradient] of Object.entries(grads)) {
    if (!(gradient instanceof tf.Tensor)) invalidOption(where, `grads['${name}']`, 'a tf.Tensor', gradient);
  }
  return grads as GradientMap;
}

/** Validates the options shared by `clipGradsByGlobalNorm` and `clipByGlobalNorm`. */
export function validateGlobalNormOptions(where: string, options: GlobalNormOptions): Required<GlobalNormOptions> {
  const opts = requireOptions<GlobalNormOptions>(where, options, ['normType', 'eps']);
  const normType = requireOneOf(where, 'normType', opts.normType ?? 2, NORM_TYPES);
  const eps = requireNonNegative(where, 'eps', opts.eps ?? 1e-6);
  return { normType, eps };
}

/**
 * The norm of all gradients taken together, as if flattened into one vector (on the device).
 *
 * Formula: `‖g‖₂ = sqrt(Σᵢ Σ gᵢ²)`, `‖g‖₁ = Σᵢ Σ |gᵢ|`, `‖g‖∞ = maxᵢ max |gᵢ|` (the `total_norm` of
 * PyTorch `clip_grad_norm_`). An empty map has norm 0. Default `normType = 2`.
 *
 * @example
 * const { value, grads } = tf.variableGrads(() => loss());
 * const norm = globalNorm(grads); // tf.Scalar
 */
export function globalNorm(grads: GradientMap, normType: NormType = 2): tf.Scalar {
  requireGradientMap('globalNorm', grads);
  requireOneOf('globalNorm', 'normType', normType, NORM_TYPES);
  const tensors = Object.values(grads);
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    if (normType === Infinity) return tf.max(tf.stack(tensors.map((g) => tf.max(tf.abs(g))))) as tf.Scalar;
    // tf.sum(tf.stack(…)) rather than tf.addN: the WebGPU AddN kernel binds every input at once and
    // fails beyond 7 inputs (8 storage buffers per stage), while concat/stack is chunked.
    if (normType === 1) return tf.sum(tf.stack(tensors.map((g) => tf.sum(tf.abs(g))))) as tf.Scalar;
    return tf.sqrt(tf.sum(tf.stack(tensors.map(sumOfSquares)))) as tf.Scalar;
  });
}

/**
 * The global-norm clipping coefficient of PyTorch `clip_grad_norm_`: `min(1, max / (norm + eps))`,
 * as a scalar tensor (`max` may itself be a tensor, e.g. an adaptive threshold).
 *
 * @example
 * const scale = globalNormScale(globalNorm(grads), 1.0, 1e-6); // 1 when the norm is ≤ 1
 */
export function globalNormScale(norm: tf.Scalar, max: number | tf.Scalar, eps: number): tf.Scalar {
  const where = 'globalNormScale';
  requireTensor(where, 'norm', norm, 0);
  if (max instanceof tf.Tensor) requireTensor(where, 'max', max, 0);
  else requirePositive(where, 'max', max);
  requireNonNegative(where, 'eps', eps);
  return tf.tidy(() => tf.minimum(1, tf.div(max, tf.add(norm, eps))) as tf.Scalar);
}

/**
 * Clips gradients by their global norm, for hand-written loops (PyTorch `clip_grad_norm_`).
 *
 * Formula: `scale = min(1, max / (‖g‖ + eps))`, `gᵢ ← scale · gᵢ` — always multiplied on the device,
 * never branched on. Defaults: `normType = 2`, `eps = 1e-6`.
 *
 * Source: Pascanu et al. 2013, "On the difficulty of training recurrent neural networks";
 * semantics of `torch.nn.utils.clip_grad_norm_`.
 *
 * @example
 * const { value, grads } = tf.variableGrads(() => loss());
 * const { grads: clipped, norm } = clipGradsByGlobalNorm(grads, 1.0);
 * optimizer.applyGradients(clipped);
 * tf.dispose([value, grads, clipped, norm]);
 */
export function clipGradsByGlobalNorm(grads: GradientMap, max: number, options: GlobalNormOptions = {}): ClippedGradients {
  const where = 'clipGradsByGlobalNorm';
  requireGradientMap(where, grads);
  requirePositive(where, 'max', max);
  requireFinite(where, 'max', max);
  const { normType, eps } = validateGlobalNormOptions(where, options);
  return tf.tidy(() => {
    const norm = globalNorm(grads, normType);
    const scale = globalNormScale(norm, max, eps);
    return { grads: mapGradients(grads, (g) => tf.mul(g, scale)), norm, scale };
  });
}
