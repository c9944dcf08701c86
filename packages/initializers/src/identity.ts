import * as tf from '@tensorflow/tfjs';
import { requireFinite, requireOptions } from '@gs/core';
import { HostInitializer, type InitializerConfig } from './host-initializer.js';

/** Options of `identity` and `dirac`. */
export interface GainOptions {
  /** Multiplies the result. Default 1. */
  gain?: number;
}

/**
 * Identity initializer for 2-D weights `[in, out]`: `gain` on the main diagonal, 0 elsewhere;
 * non-square shapes get the identity in the top-left corner (PyTorch `eye_`; tfjs's `identity`
 * accepts only square shapes).
 *
 * Defaults: gain 1. Serialized as `GsIdentity`.
 *
 * @example
 * tf.layers.simpleRNN({ units: 64, activation: 'relu', recurrentInitializer: identity() }); // IRNN
 * Source: Le, Jaitly & Hinton 2015, "A simple way to initialize recurrent networks of rectified
 * linear units"; PyTorch `torch.nn.init.eye_`.
 */
export class Identity extends HostInitializer {
  /** Name in the tfjs serialization registry and in saved models. */
  static className = 'GsIdentity';
  /** Value on the main diagonal. Default 1. */
  readonly gain: number;

  constructor(options: GainOptions = {}) {
    const opts = requireOptions<GainOptions>('identity', options, ['gain']);
    super(null);
    this.gain = opts.gain === undefined ? 1 : requireFinite('identity', 'gain', opts.gain);
  }

  protected generate(shape: readonly number[]): Float64Array {
    if (shape.length !== 2) throw new RangeError(`identity: shape must have rank 2, got [${shape.join(', ')}]`);
    const [rows, cols] = shape as [number, number];
    const values = new Float64Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = this.gain;
    return values;
  }

  /** Options to rebuild this initializer with (`{gain}`); tfjs saves them with the model. */
  override getConfig(): InitializerConfig {
    return { gain: this.gain };
  }
}
tf.serialization.registerClass(Identity);

/**
 * Identity initializer for Dense and recurrent kernels (see `Identity`). Default gain 1.
 * @example tf.layers.dense({ units: 16, inputShape: [16], kernelInitializer: identity({ gain: 0.5 }) });
 * Source: Le et al. 2015; PyTorch `eye_`.
 */
export function identity(options: GainOptions = {}): Identity {
  return new Identity(options);
}
