import * as tf from '@tensorflow/tfjs';
import {
  invalidOption,
  requireNonNegative,
  requireOptions,
  requireParamInfo,
  requireParamInfos,
  requirePositive,
  requireTensor,
  type ParamInfo,
  type StabilityPlugin,
} from '@gs/core';
import { ratioOrOne } from './gradient-map.js';

/**
 * Which parameters `adaptiveClip` leaves alone: names (matched against the variable name and the
 * owning layer's name) or a predicate over `ParamInfo` (it also gets every parameter).
 */
export type ParamSelector = readonly string[] | ((param: ParamInfo, params: readonly ParamInfo[]) => boolean);

/** Options for `adaptiveClip`. */
export interface AdaptiveClipOptions {
  /** The largest allowed ratio ‖G‖/‖W‖ per unit. Default 0.01. */
  clipping?: number;
  /** Floor of the weight norm, so zero-initialized weights (biases) can still move. Default 1e-3. */
  eps?: number;
  /** Parameters not clipped (NFNets exclude the final classifier: pass `excludeOutputLayer`). Default none. */
  exclude?: ParamSelector;
}

/** Guard of the division by the gradient norm; never engaged in practice (Optax `unitwise_clip`). */
const DIVISION_GUARD = 1e-6;

/**
 * A predicate for `adaptiveClip({ exclude })` that selects the parameters of the deepest layer
 * (the output layer / final classifier), which NFNets leave unclipped.
 *
 * @example
 * adaptiveClip({ clipping: 0.01, exclude: excludeOutputLayer });
 */
export function excludeOutputLayer(param: ParamInfo, params: readonly ParamInfo[]): boolean {
  requireParamInfo('excludeOutputLayer', 'param', param);
  requireParamInfos('excludeOutputLayer', 'params', params);
  const deepest = Math.max(...params.map((p) => p.depth));
  return param.depth === deepest;
}

/**
 * The L2 norm of each unit, broadcastable to `x`: a whole-tensor norm for scalars and vectors,
 * otherwise the norm over every axis but the last (tfjs kernels are `[...kernel, in, out]`, so a
 * unit is one output unit / filter). Source: NFNets (Brock et al. 2021) `unitwise_norm`.
 *
 * @example
 * unitwiseNorm(kernel); // [in, out] kernel → [1, out] column norms
 */
export function unitwiseNorm(x: tf.Tensor): tf.Tensor {
  requireTensor('unitwiseNorm', 'x', x);
  return tf.tidy(() => {
    if (x.rank <= 1) return tf.sqrt(tf.sum(tf.square(x)));
    const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    return tf.sqrt(tf.sum(tf.square(x), axes, true));
  });
}

function selectorFor(exclude: ParamSelector | undefined): (param: ParamInfo, params: readonly ParamInfo[]) => boolean {
  if (exclude === undefined) return () => false;
  if (typeof exclude === 'function') return exclude;
  if (Array.isArray(exclude) && exclude.every((entry) => typeof entry === 'string')) {
    const names = new Set(exclude);
    return (param) => names.has(param.name) || names.has(param.layerName);
  }
  return invalidOption('adaptiveClip', 'exclude', 'an array of parameter or layer names or a predicate (param, params) => boolean', exclude);
}

/**
 * Adaptive gradient clipping (AGC): clips each unit's gradient relative to the norm of the weights
 * of that unit, so the update never changes a unit by more than a fraction `clipping` of its size.
 *
 * Formula, per unit u (an output unit of a kernel, or a whole bias/vector):
 * `max_u = clipping · max(‖W_u‖, eps)`; `G_u ← G_u · max_u / max(‖G_u‖, 1e-6)` where
 * `‖G_u‖ > max_u`, else unchanged (implemented as a multiply by a per-unit factor that is 1 when
 * not clipped). Norms are L2 over all axes but the last (tfjs layout `[...k, in, out]`), matching
 * Optax for dense `[in, out]` and conv `[h, w, in, out]` kernels.
 * Defaults: `clipping = 0.01`, `eps = 1e-3`, no exclusions.
 *
 * Records (when reporting), one entry per gradient: `norm` (‖G‖₂ before), `scale` (‖G‖ after /
 * before), `clipped` (fraction of the tensor's units that were clipped).
 *
 * Source: Brock, De, Smith, Simonyan 2021, "High-Performance Large-Scale Image Recognition Without
 * Normalization" (NFNets), §4.1; Optax `adaptive_grad_clip`.
 *
 * @example
 * const optimizer = stabilize(tf.train.sgd(0.1), [adaptiveClip({ clipping: 0.01, exclude: excludeOutputLayer })], { model });
 */
export function adaptiveClip(options: AdaptiveClipOptions = {}): StabilityPlugin {
  const where = 'adaptiveClip';
  const opts = requireOptions<AdaptiveClipOptions>(where, options, ['clipping', 'eps', 'exclude']);
  const clipping = requirePositive(where, 'clipping', opts.clipping ?? 0.01);
  const eps = requireNonNegative(where, 'eps', opts.eps ?? 1e-3);
  const isExcluded = selectorFor(opts.exclude);
  let clippedFor: readonly ParamInfo[] | undefined;
  /** The ratio limit per parameter: `clipping`, or +Infinity for one left unclipped (one number when none is). */
  let limits: number | number[] = clipping;
  let units: number[] = [];

  return {
    name: 'adaptiveClip',
    transformGradients(grads, ctx) {
      if (clippedFor !== ctx.params) {
        clippedFor = ctx.params;
        const included = ctx.params.map((param) => ctx.variables.has(param.name) && !isExcluded(param, ctx.params));
        limits = included.every(Boolean) ? clipping : included.map((clipped) => (clipped ? clipping : Infinity));
        units = [...ctx.reductions.layout.units];
      }
      // Every unit of every parameter at once, as [parameters, units] matrices: the gradients'
      // unit norms come from core's shared reductions (derived from earlier plugins' scalings
      // without a pass over the gradients), the weights' likewise; the per-unit factors are one
      // scaling that core fuses with the others into a single pass per gradient.
      const { reductions } = ctx;
      const gradNorm = tf.sqrt(reductions.unitSquaredNorms(grads));
      // An unclipped parameter's limit is +Infinity (or NaN, for a zero weight with eps 0), which
      // no norm exceeds: cheaper than masking the comparison (a logical-and over every unit cost
      // ~1.3 ms a step on wasm).
      const limit = typeof limits === 'number' ? limits : tf.tensor2d(limits, [limits.length, 1]);
      const maxNorm = tf.mul(tf.maximum(tf.sqrt(reductions.unitSquaredNorms(reductions.weights())), eps), limit);
      const unitClipped = tf.greater(gradNorm, maxNorm);
      const factor = tf.where(unitClipped, tf.div(maxNorm, tf.maximum(gradNorm, DIVISION_GUARD)), tf.onesLike(gradNorm));
      const result = ctx.scaleGradients(grads, factor);
      if (ctx.reporting) {
        const present = ctx.params.flatMap((param, p) => (param.name in grads ? [p] : []));
        const perGradient = (values: tf.Tensor) =>
          present.length === ctx.params.length ? values : tf.concat(present.map((p) => tf.slice(values, [p], [1])));
        const before = tf.sqrt(reductions.squaredNorms(grads));
        const after = tf.sqrt(reductions.squaredNorms(result));
        ctx.record('norm', perGradient(before));
        ctx.record('scale', perGradient(ratioOrOne(after, before)));
        ctx.record('clipped', perGradient(tf.div(tf.sum(tf.cast(unitClipped, 'float32'), 1), tf.tensor1d(units))));
      }
      return result;
    },
  };
}
