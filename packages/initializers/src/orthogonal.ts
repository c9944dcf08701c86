import * as tf from '@tensorflow/tfjs';
import { requireFinite, requireOptions } from '@gs/core';
import { haarOrthogonal } from './haar-orthogonal.js';
import { HostInitializer, type InitializerConfig, product } from './host-initializer.js';
import type { SeededRandom } from './random.js';
import { seedOption } from './validate-seed.js';

/** Options of `orthogonal`. */
export interface OrthogonalOptions {
  /** Multiplies the orthogonal matrix. Default 1. */
  gain?: number;
  /** Same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/** Throws unless `shape` has rank ≥ 2; returns the flattened `[rows, cols]`. */
export function flattenToMatrix(where: string, shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new RangeError(`${where}: shape must have rank ≥ 2 (flattened to [∏shape[:-1], shape[-1]]), got [${shape.join(', ')}]`);
  }
  return [product(shape.slice(0, -1)), shape[shape.length - 1]!];
}

/**
 * A Haar-distributed (uniformly random) orthogonal initializer for any rank ≥ 2: the weight is
 * flattened to `W = [∏shape[:-1], shape[-1]]` and `WᵀW = gain²·I` when it is tall or square,
 * `WWᵀ = gain²·I` when it is wide.
 *
 * Method: Householder QR of a Gaussian matrix with the sign fix `Q·diag(sign(diag(R)))`, done in
 * float64 on the host by drawing the reflectors directly (Stewart 1980; see `haarOrthogonal`), then
 * uploaded with `tf.tensor`. It runs at build time, never in a training step. 512×512 takes ~0.1 s
 * and 2048×2048 ~4 s on any backend, where `tf.initializers.orthogonal` (tfjs's Gram–Schmidt
 * `linalg.qr` op by op) needs ~45 s for 512×512 on cpu.
 *
 * Defaults: gain 1, a fresh seed per call. Serialized as `GsOrthogonal`.
 *
 * @example
 * tf.layers.lstm({ units: 128, recurrentInitializer: orthogonal({ seed: 1 }) });
 * tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: orthogonal({ gain: Math.SQRT2 }) });
 * Source: Saxe et al. 2014, "Exact solutions to the nonlinear dynamics of learning in deep linear
 * neural networks"; Mezzadri 2007 (sign fix); Stewart 1980.
 */
export class Orthogonal extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsOrthogonal';
  /** Multiplies the orthogonal matrix: `WᵀW = gain²·I` (tall) or `WWᵀ = gain²·I` (wide). Default 1. */
  readonly gain: number;

  constructor(options: OrthogonalOptions = {}) {
    const opts = requireOptions<OrthogonalOptions>('orthogonal', options, ['gain', 'seed'], { nullable: ['seed'] });
    super(seedOption('orthogonal', opts.seed));
    this.gain = opts.gain === undefined ? 1 : requireFinite('orthogonal', 'gain', opts.gain);
  }

  protected generate(shape: readonly number[], random: SeededRandom): Float64Array {
    const [rows, cols] = flattenToMatrix('orthogonal', shape);
    const values = haarOrthogonal(rows, cols, random);
    if (this.gain !== 1) for (let i = 0; i < values.length; i++) values[i] = values[i]! * this.gain;
    return values;
  }

  /** Options to rebuild this initializer with (`{gain, seed}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { gain: this.gain, seed: this.seed };
  }
}
tf.serialization.registerClass(Orthogonal);

/**
 * Fast Haar-orthogonal initializer (see `Orthogonal`). Defaults: gain 1, fresh seed per call.
 * @example tf.layers.simpleRNN({ units: 64, recurrentInitializer: orthogonal({ seed: 7 }) });
 * Source: Saxe et al. 2014; Mezzadri 2007.
 */
export function orthogonal(options: OrthogonalOptions = {}): Orthogonal {
  return new Orthogonal(options);
}
