import * as tf from '@tensorflow/tfjs';

// The names and attributes of core's fused step kernels. Each backend that can run them registers
// its own implementation under these names (webgpu-kernels.ts on WebGPU, host-kernels.ts on wasm
// and cpu); `fused-kernels.ts` says whether the current backend has them.

/** Kernel name: per-unit Σx² (or Σ(a−b)²) of many tensors into one `[tensors, width]` matrix. */
export const UNIT_SQUARED_NORMS = 'GradientStabilityUnitSquaredNorms';
/** Kernel name: `zero ? 0 : x_i · factors[offset_i + j mod units_i]` for many gradients. */
export const SCALE_GRADIENTS = 'GradientStabilityScaleGradients';
/** Kernel name: `condition ? t_i : e_i` for many pairs of tensors with a one-element condition. */
export const SELECT_MANY = 'GradientStabilitySelectMany';

/** Attributes of `UNIT_SQUARED_NORMS`: per tensor (or pair) its rows and units, and the output width. */
export interface UnitSquaredNormsAttrs {
  units: number[];
  rows: number[];
  width: number;
  /** `'square'`: inputs x0, x1, …; `'difference'`: pairs (x0 − x1), (x2 − x3), …. */
  mode: 'square' | 'difference';
}

/** Attributes of `SCALE_GRADIENTS`: per gradient where its factors start and its units. */
export interface ScaleGradientsAttrs {
  offsets: number[];
  units: number[];
}

/**
 * The tfjs flag that turns core's fused kernels off (`tf.env().set('GS_FUSED_KERNELS', false)`):
 * every step then runs on plain tfjs ops, as on backends without the kernels. Default true. For
 * comparing the two paths (the tests run both) and for ruling the kernels out when debugging.
 */
export const FUSED_KERNELS_FLAG = 'GS_FUSED_KERNELS';

tf.env().registerFlag(FUSED_KERNELS_FLAG, () => true);

/** Whether the fused kernels may be used (the `GS_FUSED_KERNELS` flag). */
export function fusedKernelsEnabled(): boolean {
  return tf.env().getBool(FUSED_KERNELS_FLAG);
}

const registeredFor = new Set<string>();

/**
 * Registers core's kernels (made by `kernels`) for `backendName` with tfjs, once: the gates call
 * this on every use, several times per step, so later calls cost one set lookup.
 */
export function registerKernelsOnce(backendName: string, kernels: () => readonly [string, tf.KernelFunc][]): void {
  if (registeredFor.has(backendName)) return;
  for (const [kernelName, kernelFunc] of kernels()) {
    if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc });
  }
  registeredFor.add(backendName);
}
