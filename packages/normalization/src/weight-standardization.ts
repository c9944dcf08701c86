import * as tf from '@tensorflow/tfjs';
import { requireLayer, requireLayerArgs, requirePositive } from '@gs/core';
import { KernelWrapper, type KernelWrapperArgs } from './kernel-wrapper.js';
import { type BaseLayerArgs } from './layer-args.js';

/** Options of `weightStandardization`. */
export interface WeightStandardizationOptions extends BaseLayerArgs {
  /** Added to the variance before the square root. Default 1e-5. */
  epsilon?: number;
}

/** This wrapper's own options (besides `layer` and tfjs's layer options). */
const OWN_OPTIONS = ['epsilon'];
const WHERE = 'weightStandardization';

/**
 * Weight standardization: the wrapped layer uses its kernel standardized to zero mean and unit
 * variance per output unit.
 *
 * `ŵ = (w − μ) / √(σ² + ε)`, μ and the biased σ² taken over every kernel axis but the last (the
 * fan-in of each output unit). Meant to be combined with group/layer normalization of the
 * activations. The authors' PyTorch code divides by the unbiased std plus 1e-5
 * (`(w − μ) / (std(w) + 1e-5)`); this layer follows the variant used by timm's `StdConv2d` and
 * BiT (biased variance inside the square root), which differs by a factor √(n/(n−1)).
 * Serialized as `className: 'GsWeightStandardization'`. Weights: kernel, bias.
 *
 * Source: Qiao et al., "Micro-Batch Training with Batch-Channel Normalization and Weight
 * Standardization", 2019.
 *
 * @example
 * model.add(weightStandardization(tf.layers.conv2d({filters: 32, kernelSize: 3, useBias: false})));
 * model.add(groupNormalization({groups: 8}));
 */
export class WeightStandardization extends KernelWrapper {
  /** Name under which the class is registered for serialization. */
  static className = 'GsWeightStandardization';
  /** Added to the variance before the square root. */
  readonly epsilon: number;

  constructor(args: KernelWrapperArgs & WeightStandardizationOptions) {
    super(WHERE, args, OWN_OPTIONS);
    this.epsilon = requirePositive(WHERE, 'epsilon', args.epsilon ?? 1e-5);
  }

  protected buildWrapperWeights(): void {}

  protected effectiveKernel(kernel: tf.Tensor): tf.Tensor {
    const fanInAxes = Array.from({ length: kernel.rank - 1 }, (_, i) => i);
    const { mean, variance } = tf.moments(kernel, fanInAxes, true);
    return tf.mul(tf.sub(kernel, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ ...config, layer: KernelWrapper.wrappedLayerFromConfig(config) });
  }
}
tf.serialization.registerClass(WeightStandardization);

/**
 * Wraps a Dense/Conv1D/Conv2D layer so it uses its kernel standardized per output unit (see
 * `WeightStandardization`): `ŵ = (w − mean)/√(var + ε)`. Default epsilon 1e-5.
 *
 * @example
 * const conv = weightStandardization(tf.layers.conv2d({filters: 16, kernelSize: 3}));
 */
export function weightStandardization(layer: tf.layers.Layer, options: WeightStandardizationOptions = {}): WeightStandardization {
  requireLayer(WHERE, 'layer', layer);
  return new WeightStandardization({ ...requireLayerArgs<WeightStandardizationOptions>(WHERE, options, OWN_OPTIONS), layer });
}
