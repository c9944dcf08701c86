import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireLayerArgs, requirePositive } from '@gs/core';
import { broadcastShape, requireAxisOption, resolveAxes } from './axes.js';
import { type BaseLayerArgs, type CallKwargs } from './layer-args.js';

/** Options of `rmsNormalization`. */
export interface RmsNormalizationArgs extends BaseLayerArgs {
  /** The axis (or axes) to normalize over; the scale γ has their shape. Default -1. */
  axis?: number | number[];
  /** Added to the mean square before the square root. Default 1e-6 (Keras; PyTorch default: float eps). */
  epsilon?: number;
  /** Learn a scale γ (initialized to 1). Default true. */
  scale?: boolean;
}

/** This layer's own options (besides tfjs's layer options). */
const OWN_OPTIONS = ['axis', 'epsilon', 'scale'];
const WHERE = 'rmsNormalization';

/** Checks rmsNormalization's options (`where`: the function they were given to) and fills in the defaults. */
export function rmsNormalizationSettings(where: string, args: unknown) {
  const { axis = -1, epsilon = 1e-6, scale = true } = requireLayerArgs<RmsNormalizationArgs>(where, args, OWN_OPTIONS);
  return {
    axis: requireAxisOption(where, 'axis', axis, true),
    epsilon: requirePositive(where, 'epsilon', epsilon),
    scale: requireBoolean(where, 'scale', scale),
  };
}

/**
 * Root-mean-square normalization: rescales each sample by the RMS of its features, without
 * centering and without an offset.
 *
 * `y = γ · x / √(mean(x², axis) + ε)`. Cheaper than layer norm (no mean subtraction) and the norm
 * used by most recent transformers. Same in training and inference.
 *
 * Defaults follow Keras `RMSNormalization` (axis -1, epsilon 1e-6); PyTorch `nn.RMSNorm` computes
 * the same formula (its eps defaults to the float32 machine epsilon when not given).
 * Serialized as `className: 'GsRMSNormalization'`.
 *
 * Source: Zhang & Sennrich, "Root Mean Square Layer Normalization", NeurIPS 2019.
 *
 * @example
 * const y = rmsNormalization().apply(tf.randomNormal([8, 64])) as tf.Tensor;
 */
export class RmsNormalization extends tf.layers.Layer {
  /** Name under which the class is registered for serialization. */
  static className = 'GsRMSNormalization';
  /** The normalized axis or axes as given. */
  readonly axis: number | number[];
  /** Added to the mean square before the square root. */
  readonly epsilon: number;
  /** Whether a scale γ is learned. */
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;

  constructor(args: RmsNormalizationArgs = {}) {
    super(requireLayerArgs(WHERE, args, OWN_OPTIONS));
    const settings = rmsNormalizationSettings(WHERE, args);
    this.axis = settings.axis;
    this.epsilon = settings.epsilon;
    this.scale = settings.scale;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axes = resolveAxes(WHERE, 'axis', this.axis, shape.length);
    if (this.scale) {
      this.gamma = this.addWeight('gamma', axes.map((a) => shape[a] as number), 'float32', tf.initializers.ones());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axes = resolveAxes(WHERE, 'axis', this.axis, x.rank);
      const meanSquare = tf.mean(tf.square(x), axes, true);
      const y = tf.mul(x, tf.rsqrt(tf.add(meanSquare, this.epsilon)));
      return this.gamma ? tf.mul(y, this.gamma.read().reshape(broadcastShape(x.shape, axes, x.rank))) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, scale: this.scale };
  }
}
tf.serialization.registerClass(RmsNormalization);

/**
 * Creates an `RmsNormalization` layer (see its doc): `y = γ · x / √(mean(x²) + ε)`.
 * Defaults: axis -1, epsilon 1e-6, scale true.
 *
 * @example
 * model.add(rmsNormalization({epsilon: 1e-5}));
 */
export function rmsNormalization(args: RmsNormalizationArgs = {}): RmsNormalization {
  return new RmsNormalization(args);
}
