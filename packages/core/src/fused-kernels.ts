import { useHostKernels } from './host-kernels.js';
import { useWebGPUKernels, webGPUDispatchesAllowed } from './webgpu-kernels.js';

/**
 * Whether core's fused step kernels (`kernel-names.ts`) run on the current backend: WebGPU (WGSL
 * programs) and the host-memory backends wasm and cpu (JavaScript kernels), registered with tfjs
 * on first use. Elsewhere (webgl, tfjs-node) callers use tfjs ops.
 */
export function useFusedKernels(): boolean {
  return useWebGPUKernels() || useHostKernels();
}

/**
 * Whether the multi-output fused kernels (`SCALE_GRADIENTS`, `SELECT_MANY`) can run now: always
 * on wasm and cpu; on WebGPU not while tfjs times kernels (`tf.time`, `tf.profile`), which records
 * passes differently from core's own multi-output dispatches.
 */
export function useMultiOutputKernels(): boolean {
  return useWebGPUKernels() ? webGPUDispatchesAllowed() : useHostKernels();
}
