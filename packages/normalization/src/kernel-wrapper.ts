import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireLayer, requireLayerArgs } from '@gs/core';
import type { BaseLayerArgs, CallKwargs } from './layer-args.js';

/** Class names of the layers a kernel wrapper can wrap. */
export const WRAPPABLE_LAYER_CLASSES = ['Dense', 'Conv1D', 'Conv2D'] as const;

/** Options shared by the kernel wrappers: the wrapped layer plus the usual layer options. */
export interface KernelWrapperArgs extends BaseLayerArgs {
  /** A Dense, Conv1D or Conv2D layer (channels last). If it is built, its weights are copied. */
  layer: tf.layers.Layer;
}

interface ActivationLike {
  apply(x: tf.Tensor): tf.Tensor;
}

/** Re-creates a layer from its class name and config (a fresh, unbuilt copy). */
export function cloneLayer(className: string, config: tf.serialization.ConfigDict): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`cannot re-create a layer of unknown class '${className}'`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as unknown as tf.layers.Layer;
}

/**
 * Base class of layers that wrap a Dense or Conv layer and replace its kernel by a function of the
 * kernel (weight normalization, spectral normalization, weight standardization).
 *
 * The wrapper owns the computation: `call` computes the effective kernel with `effectiveKernel`,
 * then applies the wrapped layer's operation (matMul / conv1d / conv2d), its bias and its
 * activation. The wrapped layer's kernel and bias are built under the wrapper's name and listed
 * first in its weights; subclasses add their own after them. A built layer is not shared: a fresh
 * copy is built and its weights are copied in, so the original layer keeps working on its own.
 */
export abstract class KernelWrapper extends tf.layers.Layer {
  /** The wrapped layer (a private copy when the given layer was already built). */
  readonly layer: tf.layers.Layer;
  private readonly layerClass: (typeof WRAPPABLE_LAYER_CLASSES)[number];
  private readonly convolution: { strides: number[]; dilation: number[]; padding: 'valid' | 'same' };
  private copiedWeights: tf.Tensor[] | null = null;
  /** The wrapped layer's kernel variable (set by `build`). */
  protected kernel!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  /**
   * `own`: the subclass's option names besides `layer` and tfjs's layer options (checked here,
   * before tfjs sees them).
   */
  constructor(where: string, args: KernelWrapperArgs, own: readonly string[] = []) {
    if (args === undefined) invalidOption(where, 'args', 'an object with the layer to wrap, { layer, … }', args);
    const { layer: given, ...layerArgs } = requireLayerArgs<KernelWrapperArgs>(where, args, ['layer', ...own], { argument: 'args' });
    super(layerArgs);
    const layer = requireLayer(where, 'layer', given);
    const className = layer.getClassName();
    if (!(WRAPPABLE_LAYER_CLASSES as readonly string[]).includes(className)) {
      invalidOption(where, 'layer', `a layer with a kernel (${WRAPPABLE_LAYER_CLASSES.join(', ')}), got ${className} '${layer.name}'; it`, className);
    }
    const config = layer.getConfig();
    if (config['dataFormat'] === 'channelsFirst') {
      invalidOption(where, 'layer', `a channels-last layer ('${layer.name}' has dataFormat)`, config['dataFormat']);
    }
    if (config['padding'] === 'causal') {
      invalidOption(where, 'layer', `a layer without causal padding ('${layer.name}' has padding)`, config['padding']);
    }
    this.layerClass = className as (typeof WRAPPABLE_LAYER_CLASSES)[number];
    const list = (value: unknown) => (Array.isArray(value) ? (value as number[]) : [value as number, value as number]);
    this.convolution = {
      strides: list(config['strides'] ?? 1),
      dilation: list(config['dilationRate'] ?? 1),
      padding: (config['padding'] ?? 'valid') as 'valid' | 'same',
    };
    if (layer.built) {
      this.copiedWeights = layer.getWeights().map((w) => w.clone());
      this.layer = cloneLayer(className, config);
    } else {
      this.layer = layer;
    }
  }

  /** The kernel used in `call`, computed from `kernel` (which holds the wrapped layer's kernel). */
  protected abstract effectiveKernel(kernel: tf.Tensor, training: boolean): tf.Tensor;

  /** Adds the subclass's own weights; called at the end of `build`, after the kernel exists. */
  protected abstract buildWrapperWeights(kernelShape: number[]): void;

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    this.layer.build(shape);
    this.layer.built = true;
    if (this.copiedWeights) {
      this.layer.setWeights(this.copiedWeights);
      tf.dispose(this.copiedWeights);
      this.copiedWeights = null;
    }
    const [kernel, bias] = this.layer.trainableWeights;
    this.kernel = kernel!;
    this.bias = bias ?? null;
    this._trainableWeights.push(...this.layer.trainableWeights);
    this.buildWrapperWeights(this.kernel.shape as number[]);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const kernel = this.effectiveKernel(this.kernel.read(), kwargs['training'] === true);
      let y = this.applyKernel(x, kernel);
      if (this.bias) y = tf.add(y, this.bias.read());
      return (this.layer as unknown as { activation: ActivationLike }).activation.apply(y);
    });
  }

  /** The wrapped layer's linear operation with `kernel` in place of its own. */
  private applyKernel(x: tf.Tensor, kernel: tf.Tensor): tf.Tensor {
    if (this.layerClass === 'Dense') {
      if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D);
      const flat = x.reshape([-1, x.shape[x.rank - 1]!]);
      return tf.matMul(flat as tf.Tensor2D, kernel as tf.Tensor2D).reshape([...x.shape.slice(0, -1), kernel.shape[1]!]);
    }
    const { strides, dilation, padding } = this.convolution;
    if (this.layerClass === 'Conv1D') {
      return tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, strides[0]!, padding, 'NWC', dilation[0]!);
    }
    const pair = (values: number[]) => [values[0]!, values[1]!] as [number, number];
    return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, pair(strides), padding, 'NHWC', pair(dilation));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: { className: this.layer.getClassName(), config: this.layer.getConfig() },
    };
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    if (this.copiedWeights) tf.dispose(this.copiedWeights);
    this.copiedWeights = null;
    return super.dispose();
  }

  /** Re-creates the wrapped layer from the `layer` entry of a saved config. */
  protected static wrappedLayerFromConfig(config: tf.serialization.ConfigDict): tf.layers.Layer {
    const saved = config['layer'] as { className: string; config: tf.serialization.ConfigDict };
    return cloneLayer(saved.className, saved.config);
  }
}
