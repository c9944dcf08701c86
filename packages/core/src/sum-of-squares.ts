import * as tf from '@tensorflow/tfjs';
import { requireTensor } from './validate.js';

/**
 * Σx² over every entry of a tensor, as a float32 scalar on the device, computed as one kernel:
 * the flattened tensor times itself (`[1, n]·[n, 1]`) rather than `square` then `sum`. Plugins
 * that reduce every gradient each step (norms for clipping and monitoring) launch half the
 * kernels this way, which matters where a launch costs more than the arithmetic (WebGPU on a
 * software driver, wasm on small tensors). NaN and ±Infinity propagate as with `sum(square(x))`.
 *
 * @example
 * const squaredNorm = sumOfSquares(gradient); // ‖g‖₂² as a tf.Scalar
 */
export function sumOfSquares(x: tf.Tensor): tf.Scalar {
  requireTensor('sumOfSquares', 'x', x);
  return tf.tidy(() => {
    // No cast for float32 (the usual case): a cast copies the data on wasm.
    const flat = tf.reshape(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [1, -1]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(flat, flat, false, true), []) as tf.Scalar;
  });
}
