import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

/**
 * Runs `step` `warmup` times, then `steps` more, and expects `tf.memory().numTensors` to be the
 * same before and after the measured steps (no tensor leaked per step).
 */
export async function expectNoLeak(
  step: (index: number) => unknown,
  { warmup = 3, steps = 100 }: { warmup?: number; steps?: number } = {},
): Promise<void> {
  for (let i = 0; i < warmup; i++) await step(i);
  const before = tf.memory().numTensors;
  for (let i = 0; i < steps; i++) await step(warmup + i);
  expect(tf.memory().numTensors - before, `tensors leaked over ${steps} steps`).toBe(0);
}

/**
 * Counts host synchronizations (`dataSync`, `arraySync`, `print`, and the backend's `readSync`)
 * while `fn` runs synchronously. Not counted, because nothing waits for a device: the cpu and
 * wasm backends' async `read`, which they implement with `readSync`, and `readSync` calls made by
 * a cpu or wasm kernel while it runs (their data is host memory: wasm's `Slice` and `GatherV2`
 * read their input that way). On WebGPU every `readSync` counts.
 */
export function countHostSyncs(fn: () => void): number {
  let count = 0;
  let insideAsyncRead = false;
  const engine = tf.engine() as unknown as { state: { kernelDepth: number } };
  const hostMemoryBackend = ['cpu', 'wasm'].includes(tf.getBackend());
  type Methods = Record<string, (...args: unknown[]) => unknown>;
  const restore: Array<() => void> = [];
  const wrap = (target: Methods, key: string, around: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
    const original = target[key]!;
    target[key] = around(original);
    restore.push(() => {
      target[key] = original;
    });
  };
  const counting = (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      if (!insideAsyncRead) count++;
      return original.apply(this, args);
    };
  const backend = tf.engine().backend as unknown as Methods;
  wrap(backend, 'read', (original) =>
    function (this: unknown, ...args: unknown[]) {
      insideAsyncRead = true;
      try {
        return original.apply(this, args);
      } finally {
        insideAsyncRead = false;
      }
    },
  );
  wrap(backend, 'readSync', (original) =>
    function (this: unknown, ...args: unknown[]) {
      if (!insideAsyncRead && !(hostMemoryBackend && engine.state.kernelDepth > 0)) count++;
      return original.apply(this, args);
    },
  );
  const proto = tf.Tensor.prototype as unknown as Methods;
  for (const key of ['dataSync', 'arraySync', 'print']) wrap(proto, key, counting);
  try {
    fn();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return count;
}

/** Counts async readbacks (`Tensor.data()` calls) while `fn` runs, including ones it starts and does not await. */
export async function countReadbacks(fn: () => unknown): Promise<number> {
  let count = 0;
  const proto = tf.Tensor.prototype as unknown as { data: (...args: unknown[]) => Promise<unknown> };
  const original = proto.data;
  proto.data = function (this: tf.Tensor, ...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.data = original;
  }
  return count;
}
