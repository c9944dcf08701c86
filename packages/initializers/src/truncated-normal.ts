import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireFinite, requireNonNegative, requireOptions } from '@gs/core';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';
import type { SeededRandom } from './random.js';
import { truncatedStandardNormal } from './truncated-sampling.js';
import { seedOption } from './validate-seed.js';

/** Options of `truncatedNormal`. */
export interface TruncatedNormalOptions {
  /** Default 0. */
  mean?: number;
  /** Standard deviation of the normal before truncation; ≥ 0. Default 1. */
  stddev?: number;
  /** Lower cut-off, an absolute value (not in standard deviations). `-Infinity` or `null`: none. Default −2. */
  a?: number | null;
  /** Upper cut-off, absolute; `Infinity` or `null`: none. Default 2. */
  b?: number | null;
  /** Same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/**
 * Normal N(mean, stddev²) truncated to the absolute interval `[a, b]` (PyTorch `trunc_normal_`
 * semantics), sampled exactly for any interval, including far tails (Robert 1995).
 *
 * Defaults: mean 0, stddev 1, a −2, b 2, fresh seed per call. Infinite cut-offs are saved as `null`.
 * Serialized as `GsTruncatedNormal`. (tfjs's and Keras's `truncatedNormal` instead cut at ±2
 * standard deviations around the mean.)
 *
 * @example
 * tf.layers.dense({ units: 64, kernelInitializer: truncatedNormal({ stddev: 0.02, a: -0.04, b: 0.04 }) });
 * truncatedNormal({ mean: 0, stddev: 1, a: 0, b: null }); // half-normal
 * Source: PyTorch `torch.nn.init.trunc_normal_`; C. P. Robert, "Simulation of truncated normal
 * variables", 1995.
 */
export class TruncatedNormal extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsTruncatedNormal';
  /** Mean of the normal before truncation. Default 0. */
  readonly mean: number;
  /** Standard deviation of the normal before truncation; ≥ 0. Default 1. */
  readonly stddev: number;
  /** Lower cut-off, absolute (not in standard deviations); `-Infinity` when there is none. Default −2. */
  readonly a: number;
  /** Upper cut-off, absolute; `Infinity` when there is none. Default 2. */
  readonly b: number;

  constructor(options: TruncatedNormalOptions = {}) {
    const where = 'truncatedNormal';
    const opts = requireOptions<TruncatedNormalOptions>(where, options, ['mean', 'stddev', 'a', 'b', 'seed'], {
      nullable: ['seed', 'a', 'b'],
    });
    super(seedOption(where, opts.seed));
    this.mean = opts.mean === undefined ? 0 : requireFinite(where, 'mean', opts.mean);
    this.stddev = opts.stddev === undefined ? 1 : requireNonNegative(where, 'stddev', opts.stddev);
    this.a = cutOff(where, 'a', opts.a, -2, -Infinity);
    this.b = cutOff(where, 'b', opts.b, 2, Infinity);
    if (!(this.a < this.b)) invalidOption(where, 'b', `greater than a (${this.a})`, this.b);
    if (this.stddev === 0 && !(this.a <= this.mean && this.mean <= this.b)) {
      invalidOption(where, 'mean', `inside [a, b] = [${this.a}, ${this.b}] when stddev is 0`, this.mean);
    }
  }

  protected generate(shape: readonly number[], random: SeededRandom): Float64Array {
    const values = new Float64Array(tf.util.sizeFromShape([...shape]));
    if (this.stddev === 0) return values.fill(this.mean);
    const low = (this.a - this.mean) / this.stddev;
    const high = (this.b - this.mean) / this.stddev;
    for (let i = 0; i < values.length; i++) {
      // Clamp guards the last ulp of mean + stddev·z against rounding past a cut-off.
      values[i] = Math.min(this.b, Math.max(this.a, this.mean + this.stddev * truncatedStandardNormal(random, low, high)));
    }
    return values;
  }

  /** Options to rebuild this initializer with (`{mean, stddev, a, b, seed}`); infinite cut-offs as `null`; tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return {
      mean: this.mean,
      stddev: this.stddev,
      a: Number.isFinite(this.a) ? this.a : null,
      b: Number.isFinite(this.b) ? this.b : null,
      seed: this.seed,
    };
  }
}
tf.serialization.registerClass(TruncatedNormal);

function cutOff(where: string, option: string, value: unknown, fallback: number, unbounded: number): number {
  if (value === undefined) return fallback;
  if (value === null || value === unbounded) return unbounded;
  return requireFinite(where, option, value);
}

/**
 * Truncated normal with absolute cut-offs (see `TruncatedNormal`). Defaults: mean 0, stddev 1, [−2, 2].
 * @example tf.layers.dense({ units: 8, kernelInitializer: truncatedNormal({ stddev: 0.02, a: -0.04, b: 0.04, seed: 1 }) });
 * Source: PyTorch `trunc_normal_`.
 */
export function truncatedNormal(options: TruncatedNormalOptions = {}): TruncatedNormal {
  return new TruncatedNormal(options);
}
