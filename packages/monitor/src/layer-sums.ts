import * as tf from '@tensorflow/tfjs';
import type { LayerGroup } from './layer-groups.js';

/**
 * Adds per-parameter scalars into one sum per layer. `perParameter` lists the parameters in
 * `groups.flatMap(g => g.params)` order; the result has one entry per group. Layers are summed
 * separately (never mixed through a matrix product), so a NaN stays in its own layer's entry.
 * `addN` takes at most 7 inputs on WebGPU; larger layers use `sum(stack(…))`.
 */
export function sumByLayer(groups: readonly LayerGroup[], perParameter: readonly tf.Tensor[]): tf.Tensor1D {
  let offset = 0;
  const sums = groups.map((group) => {
    const values = perParameter.slice(offset, offset + group.params.length);
    offset += group.params.length;
    if (values.length === 1) return values[0]!;
    return values.length <= 7 ? tf.addN(values) : tf.sum(tf.stack(values));
  });
  return tf.stack(sums) as tf.Tensor1D;
}
