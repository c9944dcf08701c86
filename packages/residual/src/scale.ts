import * as tf from '@tensorflow/tfjs';
import { requireFinite, requireOptions } from '@gs/core';
import { ScalarGate, type ScalarGateConfig } from './scalar-gate.js';

/** Options of `scale`. */
export interface ScaleOptions {
  /** Whether the optimizer may change the multiplier. Default false (a fixed scale). */
  trainable?: boolean;
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
}

/**
 * A fixed or learnable scalar multiplier for a residual branch, e.g. `1/√depth` so that the sum
 * of `depth` branches keeps a bounded variance, or Fixup's scalar multiplier (value 1, trainable).
 *
 * Formula: `y = s·x`, s₀ = `value`; s is updated by training only when `trainable` is true.
 *
 * Sources: branch down-scaling as in Hanin & Rolnick 2018 / Fixup (Zhang et al. 2019, scalar
 * multiplier); "residual scaling" in Szegedy et al. 2017 (Inception-v4, scaling by 0.1–0.3).
 *
 * @example
 * const y = residual(x, branchLayers, { gate: scale(1 / Math.sqrt(depth)) });
 */
export class ResidualScale extends ScalarGate {
  /** Name under which the class is registered for `model.save` / `tf.loadLayersModel`. */
  static className = 'ResidualScale';

  constructor(config: ScalarGateConfig = {}) {
    super('scale', config, { initialValue: 1, trainable: false });
  }
}
tf.serialization.registerClass(ResidualScale);

/**
 * Creates a scalar multiplier layer with value `value` (fixed unless `trainable`). See {@link ResidualScale}.
 *
 * @example
 * const fixed = scale(0.1);
 * const fixupMultiplier = scale(1, { trainable: true });
 */
export function scale(value: number, options: ScaleOptions = {}): ResidualScale {
  requireFinite('scale', 'value', value);
  const opts = requireOptions<ScaleOptions>('scale', options, ['trainable', 'name']);
  return new ResidualScale({ initialValue: value, trainable: opts.trainable ?? false, ...(opts.name === undefined ? {} : { name: opts.name }) });
}
