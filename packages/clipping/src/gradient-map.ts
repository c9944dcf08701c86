import * as tf from '@tensorflow/tfjs';
import type { GradientMap } from '@gs/core';

/** Applies `transform` to every gradient, keeping the map's keys (and so the optimizer's order). */
export function mapGradients(grads: GradientMap, transform: (gradient: tf.Tensor, name: string) => tf.Tensor): GradientMap {
  const result: GradientMap = {};
  for (const name of Object.keys(grads)) result[name] = transform(grads[name]!, name);
  return result;
}

/** `x / y` where `y` is 0 gives 1 instead of NaN (used for "norm after / norm before" ratios). */
export function ratioOrOne(numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  const safe = tf.where(tf.equal(denominator, 0), tf.onesLike(denominator), denominator);
  return tf.where(tf.equal(denominator, 0), tf.onesLike(numerator), tf.div(numerator, safe));
}

/**
 * `tf.where(condition, a, b)` where `condition`, `a` and `b` may be scalars and `like` gives the
 * result's shape. The broadcasting is done with element-wise ops: `tf.where`'s own broadcasting
 * goes through `Tile`, which the cpu backend implements with a synchronous read.
 */
export function selectLike(condition: tf.Tensor, a: tf.Tensor, b: tf.Tensor, like: tf.Tensor): tf.Tensor {
  const sameShape = (x: tf.Tensor) => tf.util.arraysEqual(x.shape, like.shape);
  const zeros = tf.zerosLike(like);
  const expand = (x: tf.Tensor) => (sameShape(x) ? x : tf.add(zeros, x));
  const fullCondition = sameShape(condition) ? condition : tf.notEqual(tf.add(zeros, tf.cast(condition, 'float32')), 0);
  return tf.where(fullCondition, expand(a), expand(b));
}
