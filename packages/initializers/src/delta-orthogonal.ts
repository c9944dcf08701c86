import * as tf from '@tensorflow/tfjs';
import { requireFinite, requireOptions } from '@gs/core';
import { haarOrthogonal } from './haar-orthogonal.js';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';
import type { SeededRandom } from './random.js';
import { seedOption } from './validate-seed.js';

/** Options of `deltaOrthogonal`. */
export interface DeltaOrthogonalOptions {
  /** Multiplies the orthogonal centre tap. Default 1. */
  gain?: number;
  /** Same seed → same values on every call and backend. Default: a fresh seed per call. */
  seed?: number | null;
}

/**
 * Delta-orthogonal initializer for convolution kernels `[...kernel, in, out]` (rank 3–5): every tap
 * is zero except the centre one (index ⌊k/2⌋ in each spatial axis), which is `gain·H` with `H` an
 * `in × out` Haar-random matrix with orthonormal rows (`HHᵀ = I`), so the convolution is an
 * orthogonal map at initialization and deep plain CNNs (e.g. 10,000 layers of tanh) stay trainable.
 * Requires `in ≤ out`.
 *
 * Defaults: gain 1, a fresh seed per call. Serialized as `GsDeltaOrthogonal`.
 *
 * @example
 * tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: deltaOrthogonal({ seed: 1 }) });
 * Source: Xiao et al. 2018, "Dynamical isometry and a mean field theory of CNNs: how to train
 * 10,000-layer vanilla convolutional neural networks".
 */
export class DeltaOrthogonal extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsDeltaOrthogonal';
  /** Multiplies the orthogonal centre tap `H`. Default 1. */
  readonly gain: number;

  constructor(options: DeltaOrthogonalOptions = {}) {
    const opts = requireOptions<DeltaOrthogonalOptions>('deltaOrthogonal', options, ['gain', 'seed'], { nullable: ['seed'] });
    super(seedOption('deltaOrthogonal', opts.seed));
    this.gain = opts.gain === undefined ? 1 : requireFinite('deltaOrthogonal', 'gain', opts.gain);
  }

  protected generate(shape: readonly number[], random: SeededRandom): Float64Array {
    if (shape.length < 3 || shape.length > 5) {
      throw new RangeError(`deltaOrthogonal: shape must be a conv kernel [...kernel, in, out] of rank 3–5, got [${shape.join(', ')}]`);
    }
    const inChannels = shape[shape.length - 2]!;
    const outChannels = shape[shape.length - 1]!;
    if (inChannels > outChannels) {
      throw new RangeError(
        `deltaOrthogonal: in channels must be ≤ out channels (an orthogonal centre tap needs in ≤ out), got shape [${shape.join(', ')}] (in ${inChannels} > out ${outChannels})`,
      );
    }
    const centre = haarOrthogonal(inChannels, outChannels, random);
    let tap = 0; // flat index of the centre tap over the spatial axes
    for (let axis = 0; axis < shape.length - 2; axis++) tap = tap * shape[axis]! + Math.floor(shape[axis]! / 2);
    const values = new Float64Array(tf.util.sizeFromShape([...shape]));
    const offset = tap * inChannels * outChannels;
    for (let i = 0; i < centre.length; i++) values[offset + i] = this.gain * centre[i]!;
    return values;
  }

  /** Options to rebuild this initializer with (`{gain, seed}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { gain: this.gain, seed: this.seed };
  }
}
tf.serialization.registerClass(DeltaOrthogonal);

/**
 * Delta-orthogonal conv-kernel initializer (see `DeltaOrthogonal`). Defaults: gain 1, fresh seed.
 * @example tf.layers.conv1d({ filters: 32, kernelSize: 5, kernelInitializer: deltaOrthogonal() });
 * Source: Xiao et al. 2018.
 */
export function deltaOrthogonal(options: DeltaOrthogonalOptions = {}): DeltaOrthogonal {
  return new DeltaOrthogonal(options);
}
