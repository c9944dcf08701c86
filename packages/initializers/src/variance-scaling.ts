import * as tf from '@tensorflow/tfjs';
import { requireNonNegative, requireOneOf, requireOptions } from '@gs/core';
import { computeFans } from './fans.js';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';
import type { SeededRandom } from './random.js';
import { truncatedStandardNormal } from './truncated-sampling.js';
import { seedOption } from './validate-seed.js';

/** Which fan divides the scale. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** The distribution values are drawn from. */
export type VarianceDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** Options of `varianceScaling`. */
export interface VarianceScalingOptions {
  /** Target variance times the fan; ≥ 0. Default 1. */
  scale?: number;
  /** Default `'fanIn'`. */
  mode?: FanMode;
  /** Default `'truncatedNormal'`; `'normal'` is read as `'truncatedNormal'` (as Keras does). */
  distribution?: VarianceDistribution | 'normal';
  /** Seed: same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/** The accepted values of `VarianceScalingOptions.mode`. */
export const FAN_MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
/** The accepted values of `VarianceScalingOptions.distribution` (`'normal'` means `'truncatedNormal'`). */
export const VARIANCE_DISTRIBUTIONS: readonly (VarianceDistribution | 'normal')[] = [
  'truncatedNormal',
  'untruncatedNormal',
  'uniform',
  'normal',
];

/**
 * Standard deviation of the standard normal truncated to [−2, 2], the correction Keras divides by
 * so the truncated draws still have variance `scale / n`.
 */
export const TRUNCATED_STDDEV_CORRECTION = 0.87962566103423978;

/**
 * Keras-exact variance scaling (Keras 3 `VarianceScaling`): with `n` = fanIn, fanOut or
 * (fanIn + fanOut)/2 by `mode` (see `computeFans`; `n` is at least 1), values have variance `scale / n`:
 * - `truncatedNormal`: N(0, σ²) cut at ±2σ and redrawn, σ = √(scale/n) / 0.87962566103423978;
 * - `untruncatedNormal`: N(0, scale/n);
 * - `uniform`: U(−limit, limit), limit = √(3·scale/n).
 *
 * Defaults: scale 1, mode `'fanIn'`, distribution `'truncatedNormal'`, a fresh seed per call.
 * Serialized as `GsVarianceScaling`.
 *
 * Fixes over `tf.initializers.varianceScaling`: its `'normal'` draws a truncated normal without
 * the correction (variance ≈ 0.77× the target, tfjs#8594), there is no truncated/untruncated choice,
 * `seed: 0` counts as no seed, and the factory throws without an argument object.
 *
 * @example
 * tf.layers.dense({ units: 64, kernelInitializer: varianceScaling({ scale: 2, seed: 1 }) });
 * Source: He et al. 2015, "Delving deep into rectifiers"; Glorot & Bengio 2010; Keras 3.
 */
export class VarianceScaling extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsVarianceScaling';
  /** Target variance times the fan: values have variance `scale / n`. Default 1. */
  readonly scale: number;
  /** Which fan `n` divides `scale`. Default `'fanIn'`. */
  readonly mode: FanMode;
  /** Distribution of the values (`'normal'` is stored as `'truncatedNormal'`). Default `'truncatedNormal'`. */
  readonly distribution: VarianceDistribution;

  constructor(options: VarianceScalingOptions = {}) {
    const where = 'varianceScaling';
    const opts = requireOptions<VarianceScalingOptions>(where, options, ['scale', 'mode', 'distribution', 'seed'], { nullable: ['seed'] });
    super(seedOption(where, opts.seed));
    this.scale = opts.scale === undefined ? 1 : requireNonNegative(where, 'scale', opts.scale);
    this.mode = opts.mode === undefined ? 'fanIn' : requireOneOf(where, 'mode', opts.mode, FAN_MODES);
    const distribution =
      opts.distribution === undefined ? 'truncatedNormal' : requireOneOf(where, 'distribution', opts.distribution, VARIANCE_DISTRIBUTIONS);
    this.distribution = distribution === 'normal' ? 'truncatedNormal' : distribution;
  }

  /** The variance `scale / n` the values have for a weight of `shape`. */
  varianceFor(shape: readonly number[]): number {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    return this.scale / Math.max(1, fan);
  }

  protected generate(shape: readonly number[], random: SeededRandom): Float64Array {
    const variance = this.varianceFor(shape);
    const values = new Float64Array(tf.util.sizeFromShape([...shape]));
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < values.length; i++) values[i] = limit * (2 * random.uniform() - 1);
    } else if (this.distribution === 'untruncatedNormal') {
      const stddev = Math.sqrt(variance);
      for (let i = 0; i < values.length; i++) values[i] = stddev * random.normal();
    } else {
      const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV_CORRECTION;
      for (let i = 0; i < values.length; i++) values[i] = stddev * truncatedStandardNormal(random, -2, 2);
    }
    return values;
  }

  /** Options to rebuild this initializer with (`{scale, mode, distribution, seed}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}
tf.serialization.registerClass(VarianceScaling);

/**
 * Variance scaling with Keras's rule (see `VarianceScaling`): variance `scale / n`.
 * Defaults: scale 1, mode `'fanIn'`, distribution `'truncatedNormal'`.
 *
 * @example
 * tf.layers.dense({ units: 8, kernelInitializer: varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform' }) });
 * Source: Keras 3 `VarianceScaling`.
 */
export function varianceScaling(options: VarianceScalingOptions = {}): VarianceScaling {
  return new VarianceScaling(options);
}
