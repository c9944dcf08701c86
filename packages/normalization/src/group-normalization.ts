import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireBoolean, requireLayerArgs, requirePositive } from '@gs/core';
import { requireAxisOption, resolveAxis } from './axes.js';
import { type BaseLayerArgs, type CallKwargs } from './layer-args.js';

/** Options of `groupNormalization`. */
export interface GroupNormalizationArgs extends BaseLayerArgs {
  /** Number of channel groups; `-1` puts every channel in its own group (instance norm). Default 32. */
  groups?: number;
  /** The channel axis. Default -1 (channels last). */
  axis?: number;
  /** Added to the variance before the square root. Default 1e-3 (Keras; PyTorch uses 1e-5). */
  epsilon?: number;
  /** Learn a per-channel offset β (initialized to 0). Default true. */
  center?: boolean;
  /** Learn a per-channel scale γ (initialized to 1). Default true. */
  scale?: boolean;
}

/** This layer's own options (besides tfjs's layer options). */
const OWN_OPTIONS = ['groups', 'axis', 'epsilon', 'center', 'scale'];
const WHERE = 'groupNormalization';

/** Checks groupNormalization's options (`where`: the function they were given to) and fills in the defaults. */
export function groupNormalizationSettings(where: string, args: unknown) {
  const { groups = 32, axis = -1, epsilon = 1e-3, center = true, scale = true } = requireLayerArgs<GroupNormalizationArgs>(where, args, OWN_OPTIONS);
  if (!(groups === -1 || (Number.isInteger(groups) && groups >= 1))) {
    invalidOption(where, 'groups', 'an integer ≥ 1, or -1 for instance norm', groups);
  }
  return {
    groups,
    axis: requireAxisOption(where, 'axis', axis, false) as number,
    epsilon: requirePositive(where, 'epsilon', epsilon),
    center: requireBoolean(where, 'center', center),
    scale: requireBoolean(where, 'scale', scale),
  };
}

/**
 * Group normalization: normalizes each sample over groups of channels (and all other non-batch
 * axes), then applies a per-channel scale and offset.
 *
 * For channels split into G groups, with μ_g, σ²_g the mean and (biased) variance of a sample's
 * values in group g: `y = γ_c · (x − μ_g) / √(σ²_g + ε) + β_c`. `groups = 1` is layer norm over all
 * non-batch axes, `groups = -1` (one channel per group) is instance norm. Statistics do not depend
 * on the batch, so it behaves the same in training and inference.
 *
 * Defaults follow Keras `GroupNormalization` (groups 32, axis -1, epsilon 1e-3); PyTorch
 * `nn.GroupNorm` is channels-first with eps 1e-5 — pass `{axis: 1, epsilon: 1e-5}` to match it.
 * Serialized as `className: 'GsGroupNormalization'`.
 *
 * Source: Wu & He, "Group Normalization", ECCV 2018.
 *
 * @example
 * model.add(tf.layers.conv2d({filters: 64, kernelSize: 3}));
 * model.add(groupNormalization({groups: 8}));
 */
export class GroupNormalization extends tf.layers.Layer {
  /** Name under which the class is registered for serialization. */
  static className = 'GsGroupNormalization';
  /** Number of channel groups (-1: one per channel). */
  readonly groups: number;
  /** The channel axis as given (may be negative). */
  readonly axis: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Whether an offset β is learned. */
  readonly center: boolean;
  /** Whether a scale γ is learned. */
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    super(requireLayerArgs(WHERE, args, OWN_OPTIONS));
    const settings = groupNormalizationSettings(WHERE, args);
    this.groups = settings.groups;
    this.axis = settings.axis;
    this.epsilon = settings.epsilon;
    this.center = settings.center;
    this.scale = settings.scale;
  }

  private channelAxis(rank: number): number {
    return resolveAxis(WHERE, 'axis', this.axis, rank);
  }

  /** Number of groups for `channels` channels (`channels` itself when `groups` is -1). */
  private groupCount(channels: number): number {
    return this.groups === -1 ? channels : this.groups;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.channelAxis(shape.length);
    const channels = shape[axis];
    if (channels == null) invalidOption(WHERE, 'axis', 'an axis whose size is known', this.axis);
    const groups = this.groupCount(channels);
    if (groups > channels || channels % groups !== 0) {
      invalidOption(WHERE, 'groups', `a divisor of the ${channels} channels on axis ${this.axis}`, this.groups);
    }
    if (this.scale) this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: CallKwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const rank = x.rank;
      const axis = this.channelAxis(rank);
      const channels = x.shape[axis]!;
      const groups = this.groupCount(channels);
      // Split the channel axis into [groups, channels per group]. The statistics of a group are
      // taken with the group's values made contiguous ([batch, groups, values]) so the reduction
      // runs over the last axis; for channels-first input (axis 1) that needs no transpose.
      const grouped = x.reshape([...x.shape.slice(0, axis), groups, channels / groups, ...x.shape.slice(axis + 1)]);
      const order = [0, axis, ...Array.from({ length: rank }, (_, i) => i + 1).filter((i) => i !== axis)];
      const contiguous = order.every((p, i) => p === i) ? grouped : tf.transpose(grouped, order);
      const { mean, variance } = tf.moments(contiguous.reshape([x.shape[0]!, groups, -1]), 2, true);
      const statsShape = grouped.shape.map((size, i) => (i === 0 || i === axis ? size : 1));
      const inverseStd = tf.rsqrt(tf.add(variance, this.epsilon)).reshape(statsShape);
      const normalized = tf.mul(tf.sub(grouped, mean.reshape(statsShape)), inverseStd).reshape(x.shape);
      const perChannel = Array.from({ length: rank }, (_, i) => (i === axis ? channels : 1));
      let y = normalized;
      if (this.gamma) y = tf.mul(y, this.gamma.read().reshape(perChannel));
      if (this.beta) y = tf.add(y, this.beta.read().reshape(perChannel));
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
  }
}
tf.serialization.registerClass(GroupNormalization);

/**
 * Creates a `GroupNormalization` layer (see its doc): `y = γ·(x − μ_group)/√(σ²_group + ε) + β`.
 * Defaults: groups 32 (`-1` = instance norm), axis -1, epsilon 1e-3, center and scale true.
 *
 * @example
 * const norm = groupNormalization({groups: 4}); // 16 channels → 4 groups of 4
 */
export function groupNormalization(args: GroupNormalizationArgs = {}): GroupNormalization {
  return new GroupNormalization(args);
}
