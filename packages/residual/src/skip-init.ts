import * as tf from '@tensorflow/tfjs';
import { requireOptions } from '@gs/core';
import { ScalarGate, type ScalarGateConfig } from './scalar-gate.js';

/** Options of `skipInit`. */
export interface SkipInitOptions {
  /** The multiplier's starting value. Default 0 (the paper's choice; a small value also works). */
  initialValue?: number;
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
}

/**
 * SkipInit gate: a learnable scalar multiplier at the end of each residual branch, initialised to
 * 0 (or a small constant), so the block `x + α·F(x)` starts at (or near) the identity. It was
 * proposed as a replacement for batch normalization in deep residual networks.
 *
 * Formula: `y = α·x`, α trainable, α₀ = `initialValue` (default 0).
 *
 * With α₀ = 0 the branch weights get no gradient until α has moved (one step); see `reZero`.
 *
 * Source: De & Smith 2020, "Batch Normalization Biases Residual Blocks Towards the Identity
 * Function in Deep Networks".
 *
 * @example
 * const y = residual(x, branchLayers, { gate: skipInit({ initialValue: 0 }) });
 */
export class SkipInit extends ScalarGate {
  /** Name under which the class is registered for `model.save` / `tf.loadLayersModel`. */
  static className = 'SkipInit';

  constructor(config: ScalarGateConfig = {}) {
    super('skipInit', config, { initialValue: 0, trainable: true });
  }
}
tf.serialization.registerClass(SkipInit);

/**
 * Creates a SkipInit gate (scalar α, default α₀ = 0, trainable). See {@link SkipInit}.
 *
 * @example
 * const gate = skipInit(); // or skipInit({ initialValue: 0.1 })
 */
export function skipInit(options: SkipInitOptions = {}): SkipInit {
  return new SkipInit({ ...requireOptions<SkipInitOptions>('skipInit', options, ['initialValue', 'name']) });
}
