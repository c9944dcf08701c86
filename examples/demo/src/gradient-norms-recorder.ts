import * as tf from '@tensorflow/tfjs';
import type { ParamInfo, StabilityPlugin } from '@gs/core';

/** Name under which `gradientNormsRecorder` records (`"kernelGradients/norms"`, `"kernelGradients/global"`). */
export const GRADIENT_NORMS_RECORDER = 'kernelGradients';

/** The kernels of a model's parameters in depth order: the rows of the gradient heat-map. */
export function kernelParams(params: readonly ParamInfo[]): ParamInfo[] {
  return params.filter((param) => param.role === 'kernel').sort((a, b) => a.depth - b.depth || a.index - b.index);
}

/**
 * The L2 norm of `tensor` without float32 overflow: gradients of an exploding net reach 1e20 and
 * more, whose squares overflow, so the tensor is divided by its largest |entry| first.
 */
export function scaledNorm(tensor: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const largest = tf.maximum(tf.max(tf.abs(tensor)), tf.scalar(1e-30));
    return tf.mul(largest, tf.norm(tf.div(tensor, largest))) as tf.Scalar;
  });
}

/**
 * Records, each reporting step, the L2 norm of every kernel's gradient (ordered from the input to
 * the output) and the global gradient norm over all parameters, as on-device values read back with
 * the step's single readback.
 */
export function gradientNormsRecorder(): StabilityPlugin {
  return {
    name: GRADIENT_NORMS_RECORDER,
    transformGradients(grads, ctx) {
      if (!ctx.reporting) return;
      const kernels = kernelParams(ctx.params).filter((param) => grads[param.name]);
      ctx.record('norms', tf.stack(kernels.map((param) => scaledNorm(grads[param.name]!))));
      ctx.record('global', scaledNorm(tf.stack(Object.values(grads).map((gradient) => scaledNorm(gradient)))));
    },
    onReport() {
      // Present so the step's values are read back; the training loop takes them from the step result.
    },
  };
}
