import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireLayerArgs, requirePositive } from '@gs/core';
import { broadcastShape, requireAxisOption, resolveAxes } from './axes.js';
import { type BaseLayerArgs, type CallKwargs } from './layer-args.js';

/** Options of `layerNormalization`. */
export interface LayerNormalizationArgs extends BaseLayerArgs {
  /** The axis (or axes) to normalize over; γ and β have their shape. Default -1. */
  axis?: number | number[];
  /** Added to the variance before the square root. Default 1e-3 (tfjs/Keras; PyTorch 1e-5). */
  epsilon?: number;
  /** Learn an offset β (initialized to 0). Default true. */
  center?: boolean;
  /** Learn a scale γ (initialized to 1). Default true. */
  scale?: boolean;
}

/** This layer's own options (besides tfjs's layer options). */
const OWN_OPTIONS = ['axis', 'epsilon', 'center', 'scale'];
const WHERE = 'layerNormalization';

/** Checks layerNormalization's options (`where`: the function they were given to) and fills in the defaults. */
export function layerNormalizationSettings(where: string, args: unknown) {
  const { axis = -1, epsilon = 1e-3, center = true, scale = true } = requireLayerArgs<LayerNormalizationArgs>(where, args, OWN_OPTIONS);
  return {
    axis: requireAxisOption(where, 'axis', axis, true),
    epsilon: requirePositive(where, 'epsilon', epsilon),
    center: requireBoolean(where, 'center', center),
    scale: requireBoolean(where, 'scale', scale),
  };
}

/**
 * Layer normalization that trains with any combination of `center` and `scale`, including both
 * off (tfjs 4.22's `tf.layers.layerNormalization` throws "Cannot read properties of undefined" in
 * `fit` when either is off).
 *
 * `y = γ · (x − μ) / √(σ² + ε) + β`, with μ and the biased variance σ² taken per sample over
 * `axis`. Same defaults as tfjs/Keras (axis -1, epsilon 1e-3); PyTorch `nn.LayerNorm` uses eps 1e-5
 * and normalizes over trailing `normalized_shape` axes (here: `axis: [-2, -1]` etc.).
 * Serialized as `className: 'GsLayerNormalization'` (tfjs already owns 'LayerNormalization').
 *
 * Source: Ba, Kiros & Hinton, "Layer Normalization", 2016.
 *
 * @example
 * model.add(layerNormalization({center: false, scale: false}));
 */
export class LayerNormalization extends tf.layers.Layer {
  /** Name under which the class is registered for serialization. */
  static className = 'GsLayerNormalization';
  /** The normalized axis or axes as given. */
  readonly axis: number | number[];
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether an offset β is learned. */
  readonly center: boolean;
  /** Whether a scale γ is learned. */
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(requireLayerArgs(WHERE, args, OWN_OPTIONS));
    const settings = layerNormalizationSettings(WHERE, args);
    this.axis = settings.axis;
    this.epsilon = settings.epsilon;
    this.center = settings.center;
    this.scale = settings.scale;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axes = resolveAxes(WHERE, 'axis', this.axis, shape.length);
    const paramShape = axes.map((a) => shape[a] as number);
    if (this.scale) this.gamma = this.addWeight('gamma', paramShape, 'float32', tf.initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', paramShape, 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axes = resolveAxes(WHERE, 'axis', this.axis, x.rank);
      const { mean, variance } = tf.moments(x, axes, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      const paramShape = broadcastShape(x.shape, axes, x.rank);
      if (this.gamma) y = tf.mul(y, this.gamma.read().reshape(paramShape));
      if (this.beta) y = tf.add(y, this.beta.read().reshape(paramShape));
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }
}
tf.serialization.registerClass(LayerNormalization);

/**
 * Creates a `LayerNormalization` layer (see its doc): `y = γ·(x − μ)/√(σ² + ε) + β` per sample.
 * Defaults: axis -1, epsilon 1e-3, center and scale true.
 *
 * @example
 * const norm = layerNormalization({scale: false});
 */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}
