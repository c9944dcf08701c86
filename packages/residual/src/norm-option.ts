import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '@gs/core';

/**
 * Which normalization layer to use: the name of a tfjs built-in (`'layerNormalization'`,
 * `'batchNormalization'`) or a function returning a fresh layer — e.g.
 * `() => rmsNormalization()` from `@gs/normalization` (this package does not import it, so any
 * layer works).
 */
export type NormOption = 'layerNormalization' | 'batchNormalization' | (() => tf.layers.Layer);

const BUILT_IN_NORMS = ['layerNormalization', 'batchNormalization'] as const;

/** Builds one normalization layer from a `NormOption`, named `name` when the option is a built-in name. */
export function createNorm(where: string, option: string, norm: NormOption, name?: string): tf.layers.Layer {
  if (norm === 'layerNormalization') return tf.layers.layerNormalization({ name });
  if (norm === 'batchNormalization') return tf.layers.batchNormalization({ name });
  if (typeof norm === 'function') {
    const layer = norm();
    if (!(layer instanceof tf.layers.Layer)) invalidOption(where, option, 'a function returning a tf.layers.Layer', layer);
    return layer;
  }
  requireNormOption(where, option, norm);
  return invalidOption(where, option, 'a NormOption', norm);
}

/** Checks a `NormOption` up front (the layer is made later, per block). */
export function requireNormOption(where: string, option: string, norm: unknown): NormOption {
  if (typeof norm === 'function' || (BUILT_IN_NORMS as readonly unknown[]).includes(norm)) return norm as NormOption;
  return invalidOption(where, option, `one of ${BUILT_IN_NORMS.map((known) => `"${known}"`).join(', ')} or a function returning a layer`, norm);
}
