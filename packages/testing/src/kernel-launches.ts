import * as tf from '@tensorflow/tfjs';

/** What `countKernelLaunches` counted while its function ran. */
export interface KernelLaunches {
  /** Kernels the tfjs engine ran (every backend; a reshape counts although it moves no data). */
  kernels: number;
  /**
   * Compute dispatches recorded for the GPU (`dispatchWorkgroups` calls; WebGPU only, else
   * undefined): what a launch costs on WebGPU, where views such as reshape dispatch nothing and
   * some kernels dispatch several times.
   */
  dispatches?: number;
  /** Kernels by name, most frequent first. */
  byName: [name: string, count: number][];
}

interface CountingEngine {
  runKernelFunc(params: { kernelName?: string }): unknown;
}

interface ComputePass {
  dispatchWorkgroups(...args: unknown[]): unknown;
}

/**
 * Counts the kernels tfjs runs (and, on WebGPU, the GPU dispatches) while `run` executes, by
 * wrapping the engine's kernel entry point and `GPUComputePassEncoder#dispatchWorkgroups` for
 * that time. Counting is deterministic, unlike timing on a shared machine, so tests can hold a
 * launch budget per training step.
 *
 * @example
 * const { kernels } = await countKernelLaunches(() => optimizer.minimize(loss));
 */
export async function countKernelLaunches(run: () => unknown): Promise<KernelLaunches> {
  const engine = tf.engine() as unknown as CountingEngine;
  const passes = (globalThis as { GPUComputePassEncoder?: { prototype: ComputePass } }).GPUComputePassEncoder;
  const byName = new Map<string, number>();
  let dispatches = 0;
  const restoreEngine = patch(engine, 'runKernelFunc', (original) =>
    function (this: CountingEngine, params: { kernelName?: string }) {
      if (params.kernelName) byName.set(params.kernelName, (byName.get(params.kernelName) ?? 0) + 1);
      return original.call(this, params);
    },
  );
  const dispatching = tf.getBackend() === 'webgpu' && passes !== undefined;
  const restorePasses = dispatching
    ? patch(passes.prototype, 'dispatchWorkgroups', (original) =>
        function (this: ComputePass, ...args: unknown[]) {
          dispatches++;
          return original.apply(this, args);
        },
      )
    : () => {};
  try {
    await run();
  } finally {
    restoreEngine();
    restorePasses();
  }
  let kernels = 0;
  for (const count of byName.values()) kernels += count;
  return {
    kernels,
    ...(dispatching ? { dispatches } : {}),
    byName: [...byName.entries()].sort((a, b) => b[1] - a[1]),
  };
}

/** Replaces `target[key]` by `wrap(original)` and returns a function that undoes it exactly. */
function patch<T extends object, K extends keyof T>(target: T, key: K, wrap: (original: T[K]) => T[K]): () => void {
  const own = Object.prototype.hasOwnProperty.call(target, key);
  const original = target[key];
  target[key] = wrap(original);
  return () => {
    if (own) target[key] = original;
    else delete target[key];
  };
}
