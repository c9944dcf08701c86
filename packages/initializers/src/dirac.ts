import * as tf from '@tensorflow/tfjs';
import { requireFinite, requireOptions } from '@gs/core';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';
import type { GainOptions } from './identity.js';

/**
 * Dirac initializer for convolution kernels `[...kernel, in, out]` (rank 3–5): the centre tap
 * (index ⌊k/2⌋ per spatial axis) has `gain` at `[c, c]` for `c < min(in, out)`, every other entry is
 * 0 — the convolution passes its first `min(in, out)` input channels through unchanged, so a deep
 * plain CNN starts as the identity.
 *
 * Defaults: gain 1. Serialized as `GsDirac`. (tfjs convolutions have no groups, so neither does this.)
 *
 * @example
 * tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', kernelInitializer: dirac() });
 * Source: PyTorch `torch.nn.init.dirac_`; Zagoruyko & Komodakis 2017, "DiracNets".
 */
export class Dirac extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsDirac';
  /** Value of the centre-tap entries `[c, c]`. Default 1. */
  readonly gain: number;

  constructor(options: GainOptions = {}) {
    const opts = requireOptions<GainOptions>('dirac', options, ['gain']);
    super(null);
    this.gain = opts.gain === undefined ? 1 : requireFinite('dirac', 'gain', opts.gain);
  }

  protected generate(shape: readonly number[]): Float64Array {
    if (shape.length < 3 || shape.length > 5) {
      throw new RangeError(`dirac: shape must be a conv kernel [...kernel, in, out] of rank 3–5, got [${shape.join(', ')}]`);
    }
    const inChannels = shape[shape.length - 2]!;
    const outChannels = shape[shape.length - 1]!;
    let tap = 0;
    for (let axis = 0; axis < shape.length - 2; axis++) tap = tap * shape[axis]! + Math.floor(shape[axis]! / 2);
    const values = new Float64Array(tf.util.sizeFromShape([...shape]));
    const offset = tap * inChannels * outChannels;
    for (let c = 0; c < Math.min(inChannels, outChannels); c++) values[offset + c * outChannels + c] = this.gain;
    return values;
  }

  /** Options to rebuild this initializer with (`{gain}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { gain: this.gain };
  }
}
tf.serialization.registerClass(Dirac);

/**
 * Dirac (identity-preserving) conv-kernel initializer (see `Dirac`). Default gain 1.
 * @example tf.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: dirac() });
 * Source: PyTorch `dirac_`.
 */
export function dirac(options: GainOptions = {}): Dirac {
  return new Dirac(options);
}
