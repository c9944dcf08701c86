import * as tf from '@tensorflow/tfjs';
import {
  invalidOption,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requirePositive,
  type GradientMap,
  type ParamInfo,
  sumOfSquares,
  type StabilityPlugin,
  type StepContext,
} from '@gs/core';
import { currentLearningRate } from './learning-rate.js';
import { noteRan, ranBefore } from './plugin-order.js';

/** Where `trustRatio` applies the layer-wise ratio. */
export type TrustRatioTarget = 'gradients' | 'updates';

/** Options for `trustRatio`. */
export interface TrustRatioOptions {
  /**
   * `'gradients'`: scale each parameter's gradient before the wrapped optimizer (LARS, with SGD or
   * momentum). `'updates'`: rescale each parameter's update after it (LAMB, with Adam). Default:
   * `'gradients'` for SGD and momentum, `'updates'` for every other optimizer.
   */
  applyTo?: TrustRatioTarget;
  /** Multiplier of the ratio (Optax `trust_coefficient`; LARS uses 0.001). Default 1. */
  trustCoefficient?: number;
  /** Added to the denominator `‖d‖`. Default 0. */
  eps?: number;
  /** Floor of both norms (Optax `min_norm`). Default 0. */
  minNorm?: number;
  /** Decoupled weight decay λ added to the direction before the ratio, `d ← d + λ·w`. Default 0. */
  weightDecay?: number;
  /**
   * Parameters left alone (no ratio, no weight decay): names (variable or layer names) or a
   * predicate over `ParamInfo`. Default none (Optax's default mask); biases and normalization gains
   * are often excluded: `exclude: (param) => param.shape.length < 2`.
   */
  exclude?: readonly string[] | ((param: ParamInfo) => boolean);
}

/** The optimizers whose update is linear in the gradient, so a gradient scale is a step scale (LARS). */
const LINEAR_OPTIMIZERS = ['SGD', 'Momentum'];

function selectorFor(where: string, exclude: unknown): (param: ParamInfo) => boolean {
  if (exclude === undefined) return () => false;
  if (typeof exclude === 'function') return exclude as (param: ParamInfo) => boolean;
  if (Array.isArray(exclude) && exclude.every((entry) => typeof entry === 'string')) {
    const names = new Set<string>(exclude);
    return (param) => names.has(param.name) || names.has(param.layerName);
  }
  return invalidOption(where, 'exclude', 'an array of parameter or layer names or a predicate (param) => boolean', exclude);
}

/**
 * The layer-wise trust ratio of LARS and LAMB: each parameter tensor's step is scaled so that its
 * size is proportional to the size of the weights, `r = trustCoefficient · ‖w‖ / (‖d‖ + eps)` (both
 * norms floored at `minNorm`; `r = 1` when either norm is 0), with `d` the direction `g + λ·w`.
 * Every large-batch layer then moves by the same relative amount, which keeps very large batches
 * (and their large learning rates) stable.
 *
 * - `applyTo: 'gradients'` (default with SGD/momentum): `g ← r · d` before the wrapped optimizer —
 *   with `tf.train.momentum(rate, 0.9)` and `trustCoefficient: 0.001` this is Optax `lars`.
 * - `applyTo: 'updates'` (default with Adam and the other adaptive optimizers, which divide out any
 *   gradient scale): after the wrapped optimizer's update `u = w − w₀` at rate `η`, the direction is
 *   `d = −u/η + λ·w₀` and the weights become `w = w₀ − η · r · d` — with `tf.train.adam(rate, 0.9,
 *   0.999, 1e-6)` this is Optax `lamb` (the weights before the update are kept by reference, not
 *   copied). Weight decay is not applied on a step whose update was skipped (`u = 0`).
 *
 * Order: after `accumulateGradients` (it needs the whole batch's gradient; the other order is an
 * error); with `'updates'`, before `emaWeights` and `lookahead` (they must see the final weights;
 * the other order is an error). `applyTo: 'gradients'` with an adaptive optimizer is an error (the
 * ratio would cancel). Records `ratio` (per parameter, in gradient order) when reporting.
 * Defaults: `trustCoefficient = 1`, `eps = 0`, `minNorm = 0`, `weightDecay = 0`, no exclusions.
 * Sources: You et al. 2017 (LARS), You et al. 2019 (LAMB); anchor Optax `scale_by_trust_ratio`.
 *
 * @example
 * // LAMB
 * stabilize(tf.train.adam(2e-3, 0.9, 0.999, 1e-6), [trustRatio({ weightDecay: 0.01, exclude: (p) => p.shape.length < 2 })], { model });
 * // LARS
 * stabilize(tf.train.momentum(1, 0.9), [trustRatio({ trustCoefficient: 0.001 })], { model });
 */
export function trustRatio(options: TrustRatioOptions = {}): StabilityPlugin {
  const where = 'trustRatio';
  const opts = requireOptions<TrustRatioOptions>(where, options, ['applyTo', 'trustCoefficient', 'eps', 'minNorm', 'weightDecay', 'exclude']);
  const requested =
    opts.applyTo === undefined ? undefined : requireOneOf<TrustRatioTarget>(where, 'applyTo', opts.applyTo, ['gradients', 'updates']);
  const coefficient = requirePositive(where, 'trustCoefficient', opts.trustCoefficient ?? 1);
  const eps = requireNonNegative(where, 'eps', opts.eps ?? 0);
  const minNorm = requireNonNegative(where, 'minNorm', opts.minNorm ?? 0);
  const weightDecay = requireNonNegative(where, 'weightDecay', opts.weightDecay ?? 0);
  const excluded = selectorFor(where, opts.exclude);
  let target: TrustRatioTarget = 'gradients';
  let included: ParamInfo[] = [];
  /** With 'updates': the weights before this step's update (references, kept until afterUpdate). */
  let before: Map<string, tf.Tensor> | undefined;

  const release = () => {
    if (before) tf.dispose([...before.values()]);
    before = undefined;
  };
  /**
   * The safe ratio `r = c·max(‖w‖, minNorm) / (max(‖d‖, minNorm) + eps)` of one parameter from
   * the squared norms, 1 when a norm is 0 (Optax). Scalar ops only: per-parameter slices of a
   * vector would read wasm memory synchronously.
   */
  const ratioOf = (weightSquares: tf.Tensor, directionSquares: tf.Tensor): tf.Tensor => {
    let ratio: tf.Tensor;
    if (minNorm === 0 && eps === 0) {
      ratio = tf.sqrt(tf.div(coefficient === 1 ? weightSquares : tf.mul(weightSquares, coefficient * coefficient), directionSquares));
    } else {
      const weightNorm = tf.maximum(tf.sqrt(weightSquares), minNorm);
      const directionNorm = tf.maximum(tf.sqrt(directionSquares), minNorm);
      ratio = tf.div(tf.mul(weightNorm, coefficient), tf.add(directionNorm, eps));
    }
    const degenerate = tf.equal(tf.mul(weightSquares, directionSquares), 0);
    return tf.where(degenerate, tf.onesLike(ratio), ratio);
  };
  const record = (ctx: StepContext, ratios: ReadonlyMap<string, tf.Tensor>) => {
    // Parameters without a ratio (excluded, or no gradient) report 1.
    if (ctx.reporting && ctx.params.length > 0) {
      ctx.record('ratio', tf.stack(ctx.params.map((param) => ratios.get(param.name) ?? tf.scalar(1))));
    }
  };

  return {
    name: where,
    setup(ctx) {
      const className = ctx.optimizer.getClassName();
      const linear = LINEAR_OPTIMIZERS.includes(className);
      if (requested === 'gradients' && !linear) {
        throw new Error(
          `${where}: applyTo 'gradients' with ${className}: an adaptive optimizer divides each gradient by its own running scale, ` +
            "so a per-layer gradient factor cancels; use applyTo 'updates' (LAMB) or an SGD/momentum optimizer (LARS)",
        );
      }
      target = requested ?? (linear ? 'gradients' : 'updates');
      if (target === 'updates') currentLearningRate(where, ctx.optimizer); // fails now, not mid-training, without a numeric rate
      included = ctx.params.filter((param) => !excluded(param));
      release();
    },
    transformGradients(grads, ctx) {
      noteRan(ctx, where);
      release();
      const names = included.filter((param) => grads[param.name]).map((param) => param.name);
      if (target === 'updates') {
        // Clones share the variables' buffers; the update re-points the variables, so these keep
        // the values from before it without copying.
        before = new Map(names.map((name) => [name, tf.keep(tf.clone(ctx.variables.get(name)!))]));
        return;
      }
      const result: GradientMap = { ...grads };
      const ratios = new Map<string, tf.Tensor>();
      for (const name of names) {
        const w = ctx.variables.get(name)!;
        const direction = weightDecay > 0 ? tf.add(grads[name]!, tf.mul(w, weightDecay)) : grads[name]!;
        const ratio = ratioOf(sumOfSquares(w), sumOfSquares(direction));
        ratios.set(name, ratio);
        result[name] = tf.mul(direction, ratio);
      }
      record(ctx, ratios);
      return result;
    },
    afterUpdate(ctx) {
      if (target !== 'updates' || !before) return;
      const misplaced = ranBefore(ctx, ['emaWeights', 'lookahead']);
      if (misplaced.length > 0) {
        release();
        throw new Error(
          `${where}: ${misplaced.join(', ')} ran before ${where} in the plugin list and saw the weights before the trust ratio rescaled the update; put ${where} before ${misplaced.join(', ')}`,
        );
      }
      const rate = currentLearningRate(where, ctx.optimizer);
      const ratios = new Map<string, tf.Tensor>();
      // At rate 0 nothing moved and there is no direction to rescale.
      for (const [name, w0] of rate === 0 ? [] : before) {
        const variable = ctx.variables.get(name)!;
        // The update u = w − w₀ came from the direction d = −u/η + λ·m·w₀ (m = 1 if u ≠ 0: no
        // decay on a skipped step). The LAMB step w₀ − η·r·d is w₀ + r·u − η·r·λ·m·w₀, and
        // ‖d‖² = ‖u‖²/η² − 2λm(u·w₀)/η + λ²m²‖w₀‖² needs no d.
        const update = tf.sub(variable, w0);
        const weightSquares = sumOfSquares(w0);
        const updateSquares = sumOfSquares(update);
        let directionSquares = tf.div(updateSquares, rate * rate);
        let decay: tf.Tensor | undefined;
        if (weightDecay > 0) {
          decay = tf.mul(tf.cast(tf.greater(updateSquares, 0), 'float32'), weightDecay);
          const cross = tf.sum(tf.mul(update, w0));
          directionSquares = tf.add(tf.sub(directionSquares, tf.mul(tf.mul(decay, cross), 2 / rate)), tf.mul(tf.square(decay), weightSquares));
        }
        const ratio = ratioOf(weightSquares, directionSquares);
        ratios.set(name, ratio);
        const kept = decay ? tf.mul(w0, tf.sub(1, tf.mul(tf.mul(ratio, decay), rate))) : w0;
        variable.assign(tf.add(kept, tf.mul(update, ratio)));
      }
      record(ctx, ratios);
      release();
    },
    dispose() {
      release();
    },
  };
}
