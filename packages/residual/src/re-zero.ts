import * as tf from '@tensorflow/tfjs';
import { requireOptions } from '@gs/core';
import { ScalarGate, type ScalarGateConfig } from './scalar-gate.js';

/** Options of `reZero`. */
export interface ReZeroOptions {
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
}

/**
 * ReZero gate: multiplies the residual branch by a learnable scalar α that starts at exactly 0,
 * so a block `x + α·F(x)` is the identity at initialization.
 *
 * Formula: `y = α·x`, α trainable, α₀ = 0 (one scalar per block).
 *
 * While α = 0 the branch weights receive no gradient (∂L/∂W ∝ α); α itself does, so after the
 * first update the branches start to learn. Gradient-flow checks of ReZero nets are therefore
 * meaningful after a few steps, not at step 0.
 *
 * Source: Bachlechner et al. 2020, "ReZero is All You Need: Fast Convergence at Large Depth".
 *
 * @example
 * const gated = reZero().apply(branchOutput) as tf.SymbolicTensor;
 */
export class ReZero extends ScalarGate {
  /** Name under which the class is registered for `model.save` / `tf.loadLayersModel`. */
  static className = 'ReZero';

  constructor(config: ScalarGateConfig = {}) {
    // initialValue/trainable are accepted only so a saved config loads back; reZero() always starts at 0.
    super('reZero', config, { initialValue: 0, trainable: true });
  }
}
tf.serialization.registerClass(ReZero);

/**
 * Creates a ReZero gate (scalar α, initialised to 0, trainable). See {@link ReZero}.
 *
 * @example
 * const y = residual(x, [tf.layers.dense({ units: 32, activation: 'relu' })], { gate: reZero() });
 */
export function reZero(options: ReZeroOptions = {}): ReZero {
  return new ReZero({ ...requireOptions<ReZeroOptions>('reZero', options, ['name']) });
}
