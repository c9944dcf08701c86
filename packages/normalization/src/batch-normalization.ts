import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireInRange, requireLayerArgs, requirePositive } from '@gs/core';
import { requireAxisOption, resolveAxis } from './axes.js';
import { type BaseLayerArgs, type CallKwargs } from './layer-args.js';

/** Options of `batchNormalization`. */
export interface BatchNormalizationArgs extends BaseLayerArgs {
  /** The feature (channel) axis; statistics are taken over all other axes. Default -1. */
  axis?: number;
  /** Keras-convention momentum: `moving ← momentum·moving + (1 − momentum)·batch`. Default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root. Default 1e-3 (tfjs/Keras; PyTorch 1e-5). */
  epsilon?: number;
  /** Learn an offset β (initialized to 0). Default true. */
  center?: boolean;
  /** Learn a scale γ (initialized to 1). Default true. */
  scale?: boolean;
}

/** This layer's own options (besides tfjs's layer options). */
const OWN_OPTIONS = ['axis', 'momentum', 'epsilon', 'center', 'scale'];
const WHERE = 'batchNormalization';

/** Checks batchNormalization's options (`where`: the function they were given to) and fills in the defaults. */
export function batchNormalizationSettings(where: string, args: unknown) {
  const { axis = -1, momentum = 0.99, epsilon = 1e-3, center = true, scale = true } = requireLayerArgs<BatchNormalizationArgs>(where, args, OWN_OPTIONS);
  return {
    axis: requireAxisOption(where, 'axis', axis, false) as number,
    momentum: requireInRange(where, 'momentum', momentum, 0, 1),
    epsilon: requirePositive(where, 'epsilon', epsilon),
    center: requireBoolean(where, 'center', center),
    scale: requireBoolean(where, 'scale', scale),
  };
}

/**
 * Batch normalization that trains with any combination of `center` and `scale` (tfjs's
 * `tf.layers.batchNormalization` throws in `fit` with `center: false` or `scale: false`, tfjs#2868).
 *
 * Training (`fit`, or `apply(x, {training: true})`): `y = γ · (x − μ_B) / √(σ²_B + ε) + β` with the
 * batch mean μ_B and biased batch variance σ²_B over every axis but `axis`, and the moving
 * statistics updated on the device: `moving ← momentum · moving + (1 − momentum) · batch`.
 * Inference: the same formula with the moving mean and moving variance.
 *
 * Same defaults and conventions as tfjs/Keras (axis -1, momentum 0.99, epsilon 1e-3, biased
 * variance in the moving average). PyTorch `nn.BatchNorm*` differs: its `momentum = 0.1` is the
 * weight of the *new* value (PyTorch momentum = 1 − Keras momentum), its eps is 1e-5, its channel
 * axis is 1, and it feeds the unbiased batch variance (× n/(n−1)) into the running variance.
 * Serialized as `className: 'GsBatchNormalization'` (tfjs already owns 'BatchNormalization').
 *
 * Source: Ioffe & Szegedy, "Batch Normalization", ICML 2015.
 *
 * @example
 * model.add(tf.layers.dense({units: 64, useBias: false}));
 * model.add(batchNormalization({center: true, scale: false}));
 * model.add(tf.layers.activation({activation: 'relu'}));
 */
export class BatchNormalization extends tf.layers.Layer {
  /** Name under which the class is registered for serialization. */
  static className = 'GsBatchNormalization';
  /** The feature axis as given (may be negative). */
  readonly axis: number;
  /** Keras-convention momentum of the moving averages. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether an offset β is learned. */
  readonly center: boolean;
  /** Whether a scale γ is learned. */
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(args: BatchNormalizationArgs = {}) {
    super(requireLayerArgs(WHERE, args, OWN_OPTIONS));
    const settings = batchNormalizationSettings(WHERE, args);
    this.axis = settings.axis;
    this.momentum = settings.momentum;
    this.epsilon = settings.epsilon;
    this.center = settings.center;
    this.scale = settings.scale;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const features = shape[resolveAxis(WHERE, 'axis', this.axis, shape.length)] as number;
    if (this.scale) this.gamma = this.addWeight('gamma', [features], 'float32', tf.initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', [features], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [features], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [features], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axis = resolveAxis(WHERE, 'axis', this.axis, x.rank);
      const perFeature = Array.from({ length: x.rank }, (_, i) => (i === axis ? x.shape[axis]! : 1));
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs['training'] === true) {
        const reductionAxes = Array.from({ length: x.rank }, (_, i) => i).filter((i) => i !== axis);
        ({ mean, variance } = tf.moments(x, reductionAxes, true));
        // Update the moving statistics on the device; the assigned values are not part of the
        // gradient path (the variables are read nowhere else in this call).
        this.updateMovingAverage(this.movingMean, mean.reshape([-1]));
        this.updateMovingAverage(this.movingVariance, variance.reshape([-1]));
      } else {
        mean = this.movingMean.read().reshape(perFeature);
        variance = this.movingVariance.read().reshape(perFeature);
      }
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      if (this.gamma) y = tf.mul(y, this.gamma.read().reshape(perFeature));
      if (this.beta) y = tf.add(y, this.beta.read().reshape(perFeature));
      return y;
    });
  }

  /** `moving ← momentum · moving + (1 − momentum) · batch`, assigned on the device. */
  private updateMovingAverage(variable: tf.LayerVariable, batchValue: tf.Tensor): void {
    tf.tidy(() => {
      const moving = variable.read();
      variable.write(tf.add(tf.mul(moving, this.momentum), tf.mul(batchValue, 1 - this.momentum)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
  }
}
tf.serialization.registerClass(BatchNormalization);

/**
 * Creates a `BatchNormalization` layer (see its doc): batch statistics in training, moving
 * statistics in inference. Defaults: axis -1, momentum 0.99 (Keras convention), epsilon 1e-3,
 * center and scale true.
 *
 * @example
 * model.add(batchNormalization({scale: false}));
 */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
