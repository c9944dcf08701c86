import * as tf from '@tensorflow/tfjs';
import { requireLayer, requireLayerArgs } from '@gs/core';
import { requireAxisOption, resolveAxis } from './axes.js';
import { KernelWrapper, type KernelWrapperArgs } from './kernel-wrapper.js';
import { type BaseLayerArgs } from './layer-args.js';

/** Options of `weightNormalization`. */
export interface WeightNormalizationOptions extends BaseLayerArgs {
  /** The kernel axis that keeps one norm (and one g) per index: the output units. Default -1. */
  axis?: number;
}

/** This wrapper's own options (besides `layer` and tfjs's layer options). */
const OWN_OPTIONS = ['axis'];
const WHERE = 'weightNormalization';

/**
 * Weight normalization: reparameterizes the wrapped layer's kernel as a direction `v` and a
 * per-output-unit length `g`, both trained.
 *
 * `w = g · v / ‖v‖`, the norm taken over every kernel axis except `axis` (for tfjs's
 * `[…kernel, in, out]` layout the default -1 gives one g per output unit). Initialization is
 * data-independent: `v` is the wrapped layer's kernel and `g = ‖v‖`, so the wrapped layer's output
 * is unchanged at the start. Weights (in order): kernel `v`, bias, `g`.
 *
 * Matches PyTorch `torch.nn.utils.weight_norm(module, dim=0)` (its dim 0 is the output axis, here
 * the last axis) and TF-Addons `WeightNormalization(data_init=False)`.
 * Serialized as `className: 'GsWeightNormalization'`.
 *
 * Source: Salimans & Kingma, "Weight Normalization", NeurIPS 2016.
 *
 * @example
 * model.add(weightNormalization(tf.layers.dense({units: 64, activation: 'relu'})));
 */
export class WeightNormalization extends KernelWrapper {
  /** Name under which the class is registered for serialization. */
  static className = 'GsWeightNormalization';
  /** The kernel axis that keeps one g per index (the output units by default). */
  readonly axis: number;
  private g!: tf.LayerVariable;

  constructor(args: KernelWrapperArgs & WeightNormalizationOptions) {
    super(WHERE, args, OWN_OPTIONS);
    this.axis = requireAxisOption(WHERE, 'axis', args.axis ?? -1, false) as number;
  }

  private reductionAxes(rank: number): number[] {
    const axis = resolveAxis(WHERE, 'axis', this.axis, rank, true);
    return Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
  }

  protected buildWrapperWeights(kernelShape: number[]): void {
    const axis = resolveAxis(WHERE, 'axis', this.axis, kernelShape.length, true);
    this.g = this.addWeight('g', [kernelShape[axis]!], 'float32', tf.initializers.ones());
    tf.tidy(() => {
      this.g.write(this.norm(this.kernel.read()).reshape([-1]));
    });
  }

  /** ‖v‖ over every axis but `axis`, kept as size-1 axes for broadcasting. */
  private norm(v: tf.Tensor): tf.Tensor {
    return tf.sqrt(tf.sum(tf.square(v), this.reductionAxes(v.rank), true));
  }

  protected effectiveKernel(v: tf.Tensor): tf.Tensor {
    const norm = this.norm(v);
    const g = this.g.read().reshape(norm.shape);
    return tf.mul(v, tf.div(g, norm));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ ...config, layer: KernelWrapper.wrappedLayerFromConfig(config) });
  }
}
tf.serialization.registerClass(WeightNormalization);

/**
 * Wraps a Dense/Conv1D/Conv2D layer in weight normalization (see `WeightNormalization`):
 * `w = g · v/‖v‖`, g and v trained, g initialized to ‖v‖. Default axis -1 (output units).
 *
 * @example
 * const layer = weightNormalization(tf.layers.conv2d({filters: 32, kernelSize: 3}));
 */
export function weightNormalization(layer: tf.layers.Layer, options: WeightNormalizationOptions = {}): WeightNormalization {
  requireLayer(WHERE, 'layer', layer);
  return new WeightNormalization({ ...requireLayerArgs<WeightNormalizationOptions>(WHERE, options, OWN_OPTIONS), layer });
}
