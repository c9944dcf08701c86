import * as tf from '@tensorflow/tfjs';
import type { LayerGroup } from './layer-groups.js';

/**
 * Adds per-parameter values (`[P]`, indexed by `ParamInfo.index`) into one sum per layer (`[L]`,
 * in `groups` order). Layers are summed separately — never mixed through a matrix product — so a
 * NaN stays in its own layer's entry. When every layer owns the same number of consecutive
 * parameters, in order (a Dense or conv stack: kernel and bias), that is one reshape and one sum;
 * otherwise a slice and a sum per layer.
 *
 * @example
 * const layerSquares = sumByLayer(groupByLayer(ctx.params), ctx.reductions.squaredNorms(grads));
 */
export function sumByLayer(groups: readonly LayerGroup[], perParameter: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const perLayer = groups[0]?.params.length ?? 0;
    let next = 0;
    const uniform = groups.every(
      (group) => group.params.length === perLayer && group.params.every((param) => param.index === next++),
    );
    if (uniform && next === perParameter.size) return tf.sum(tf.reshape(perParameter, [groups.length, perLayer]), 1) as tf.Tensor1D;
    const sums = groups.map((group) => {
      const first = group.params[0]!.index;
      const consecutive = group.params.every((param, i) => param.index === first + i);
      const values = consecutive
        ? tf.slice(perParameter, [first], [group.params.length])
        : tf.concat(group.params.map((param) => tf.slice(perParameter, [param.index], [1])));
      return tf.sum(values);
    });
    return tf.stack(sums) as tf.Tensor1D;
  });
}
