import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInRange, requireNonNegative, requireOptions } from '@gs/core';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';
import type { SeededRandom } from './random.js';
import { seedOption } from './validate-seed.js';

/** Options of `sparse`. */
export interface SparseOptions {
  /** Fraction of each unit's incoming weights set to zero, in [0, 1). Required. */
  sparsity: number;
  /** Standard deviation of the non-zero weights, N(0, stddev²). Default 0.01. */
  stddev?: number;
  /** Same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/**
 * Sparse initializer for 2-D weights `[in, out]`: for every output unit (column), `⌈sparsity·in⌉`
 * randomly chosen incoming weights are 0 and the rest are drawn from N(0, stddev²).
 *
 * Defaults: stddev 0.01, fresh seed per call; `sparsity` is required. Serialized as `GsSparse`.
 * (PyTorch `sparse_` zeroes per column of its `[out, in]` layout; here each unit gets a fixed number
 * of non-zero incoming weights, as in Martens 2010.)
 *
 * @example
 * tf.layers.dense({ units: 128, kernelInitializer: sparse({ sparsity: 0.9, stddev: 0.1 }) });
 * Source: J. Martens, "Deep learning via Hessian-free optimization", ICML 2010; PyTorch `sparse_`.
 */
export class Sparse extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsSparse';
  /** Fraction of each output unit's incoming weights that are zero, in [0, 1). */
  readonly sparsity: number;
  /** Standard deviation of the non-zero weights, N(0, stddev²). Default 0.01. */
  readonly stddev: number;

  constructor(options: SparseOptions) {
    const where = 'sparse';
    if (options === undefined) invalidOption(where, 'options', 'an object with sparsity in [0, 1)', options);
    const opts = requireOptions<SparseOptions>(where, options, ['sparsity', 'stddev', 'seed'], { nullable: ['seed'] });
    super(seedOption(where, opts.seed));
    this.sparsity = requireInRange(where, 'sparsity', opts.sparsity, 0, 1, { highOpen: true });
    this.stddev = opts.stddev === undefined ? 0.01 : requireNonNegative(where, 'stddev', opts.stddev);
  }

  protected generate(shape: readonly number[], random: SeededRandom): Float64Array {
    if (shape.length !== 2) throw new RangeError(`sparse: shape must have rank 2 ([in, out]), got [${shape.join(', ')}]`);
    const [rows, cols] = shape as [number, number];
    const values = new Float64Array(rows * cols);
    for (let i = 0; i < values.length; i++) values[i] = this.stddev * random.normal();
    const zeros = Math.ceil(this.sparsity * rows);
    const order = new Int32Array(rows);
    for (let col = 0; col < cols; col++) {
      for (let i = 0; i < rows; i++) order[i] = i;
      // Partial Fisher–Yates shuffle: the first `zeros` entries are a uniform random subset.
      for (let i = 0; i < zeros; i++) {
        const j = i + Math.floor(random.uniform() * (rows - i));
        const chosen = order[j]!;
        order[j] = order[i]!;
        order[i] = chosen;
        values[chosen * cols + col] = 0;
      }
    }
    return values;
  }

  /** Options to rebuild this initializer with (`{sparsity, stddev, seed}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { sparsity: this.sparsity, stddev: this.stddev, seed: this.seed };
  }
}
tf.serialization.registerClass(Sparse);

/**
 * Sparse initializer (see `Sparse`). Defaults: stddev 0.01; `sparsity` in [0, 1) is required.
 * @example tf.layers.dense({ units: 64, kernelInitializer: sparse({ sparsity: 0.8 }) });
 * Source: Martens 2010.
 */
export function sparse(options: SparseOptions): Sparse {
  return new Sparse(options);
}
