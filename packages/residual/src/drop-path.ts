import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInRange, requireLayerArgs, requireOptions } from '@gs/core';

/** Options of `dropPath`. */
export interface DropPathOptions {
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
}

/**
 * Stochastic depth ("drop path"): in training, drops the whole residual branch for a random
 * subset of the samples in the batch and rescales the kept ones so the expectation is unchanged;
 * at inference it is the identity.
 *
 * Formula (training): `y_i = x_i · b_i / (1 − rate)`, `b_i ~ Bernoulli(1 − rate)` drawn once per
 * sample i (shared by all features of the sample); inference: `y = x`. Default: none (`rate` is
 * required), 0 ≤ rate < 1.
 *
 * Put it on the branch (after any gate) of `residual`, never on the shortcut. The mask is drawn on
 * the device every call (no seed), so no host sync is needed.
 *
 * Source: Huang et al. 2016, "Deep Networks with Stochastic Depth" (per-sample form as in
 * timm's `drop_path`, Larsson et al. 2017 "FractalNet").
 *
 * @example
 * const y = residual(x, branchLayers, { gate: [reZero(), dropPath(0.1)] });
 */
export class DropPath extends tf.layers.Layer {
  /** Name under which the class is registered for `model.save` / `tf.loadLayersModel`. */
  static className = 'DropPath';
  /** Probability of dropping the branch for a sample, in [0, 1). */
  readonly rate: number;

  constructor(config: { rate: number; name?: string; [layerArgument: string]: unknown }) {
    if (config === undefined) invalidOption('dropPath', 'config', 'an object with the rate, { rate }', config);
    const { rate, ...layerArguments } = requireLayerArgs<{ rate: number }>('dropPath', config, ['rate'], { argument: 'config' });
    super(layerArguments as object);
    this.rate = requireInRange('dropPath', 'rate', rate, 0, 1, { highOpen: true });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (!kwargs?.training || this.rate === 0) return tf.clone(input);
      const keepProbability = 1 - this.rate;
      // One draw per sample, broadcast over the sample's features: floor(keep + U[0,1)) is 1 with
      // probability keep, else 0.
      const maskShape = [input.shape[0]!, ...input.shape.slice(1).map(() => 1)];
      const mask = tf.floor(tf.add(tf.randomUniform(maskShape, 0, 1, 'float32'), keepProbability));
      return tf.mul(input, tf.div(mask, keepProbability));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(DropPath);

/**
 * Creates a stochastic-depth layer dropping a branch with probability `rate` (0 ≤ rate < 1) per
 * sample in training. See {@link DropPath}.
 *
 * @example
 * const gate = dropPath(0.1);
 */
export function dropPath(rate: number, options: DropPathOptions = {}): DropPath {
  requireInRange('dropPath', 'rate', rate, 0, 1, { highOpen: true });
  return new DropPath({ rate, ...requireOptions<DropPathOptions>('dropPath', options, ['name']) });
}
