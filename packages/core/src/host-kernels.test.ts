import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose } from '@gs/testing';
import { expect, it } from 'vitest';
import { useHostKernels } from './host-kernels.js';
import { SCALE_GRADIENTS, SELECT_MANY, UNIT_SQUARED_NORMS } from './kernel-names.js';
import { unitSums, unitsOf } from './test-utils.js';

// The JavaScript kernels of the host-memory backends, against sums done by hand in double
// precision, on shapes that exercise every loop (rows a multiple of four or eight or not, one unit — a
// vector is summed as four interleaved units — and empty).
const SHAPES = [[7, 5], [8], [13], [3, 2, 5], [], [0, 4], [9, 1], [12, 1], [19, 3]];
const data = (shape: number[], seed: number) =>
  Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + seed) * (1 + (i % 3)));

describeBackends('host kernels', ['cpu', 'wasm'], () => {
  it('are registered for the host-memory backends', () => {
    expect(useHostKernels()).toBe(true);
  });

  it('UNIT_SQUARED_NORMS gives Σx² and Σ(a − b)² per unit, zeros past each tensor’s units', async () => {
    const xs = SHAPES.map((shape, i) => tf.tensor(data(shape, i), shape));
    const ys = SHAPES.map((shape, i) => tf.tensor(data(shape, i + 10), shape));
    const units = SHAPES.map(unitsOf);
    const rows = SHAPES.map((shape) => shape.reduce((a, b) => a * b, 1) / unitsOf(shape));
    const width = Math.max(...units);
    const padded = (sums: number[]) => [...sums, ...new Array<number>(width - sums.length).fill(0)];
    const square = tf.engine().runKernel(UNIT_SQUARED_NORMS, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])), { units, rows, width, mode: 'square' } as never) as tf.Tensor;
    await expectClose(square, SHAPES.flatMap((shape, i) => padded(shape.includes(0) ? new Array<number>(unitsOf(shape)).fill(0) : unitSums(shape, data(shape, i)))), { rtol: 1e-6 });
    const inputs = Object.fromEntries(xs.flatMap((x, i) => [[`x${2 * i}`, x], [`x${2 * i + 1}`, ys[i]!]]));
    const difference = tf.engine().runKernel(UNIT_SQUARED_NORMS, inputs, { units, rows, width, mode: 'difference' } as never) as tf.Tensor;
    const differences = SHAPES.map((shape, i) => data(shape, i).map((a, k) => a - data(shape, i + 10)[k]!));
    await expectClose(difference, SHAPES.flatMap((shape, i) => padded(shape.includes(0) ? new Array<number>(unitsOf(shape)).fill(0) : unitSums(shape, differences[i]!))), { rtol: 1e-6 });
    tf.dispose([...xs, ...ys, square, difference]);
  });

  it('SCALE_GRADIENTS multiplies per unit, returns unclipped gradients as they are, and zeros NaN too', async () => {
    const xs = [tf.tensor2d([[1, Number.NaN], [3, -4], [5, 6]]), tf.tensor1d([2, -2, 8]), tf.tensor2d([[1, 2], [3, 4]])];
    // Per-unit factors: x0's units 0.5 and 2; x1 (one unit) 1 (unclipped); x2's units both 1.
    const factors = tf.tensor2d([[0.5, 2], [1, 0], [1, 1]]);
    const attrs = { offsets: [0, 2, 4], units: [2, 1, 2] };
    const run = (zero: boolean) =>
      tf.engine().runKernel(SCALE_GRADIENTS, { factors, zero: tf.scalar(zero, 'bool'), ...Object.fromEntries(xs.map((x, i) => [`x${i}`, x])) }, attrs as never) as tf.Tensor[];
    const scaled = run(false);
    await expectClose(scaled[0]!, [0.5, Number.NaN, 1.5, -8, 2.5, 12], { rtol: 0 });
    expect(scaled[1]!.dataId).toBe(xs[1]!.dataId);
    expect(scaled[2]!.dataId).toBe(xs[2]!.dataId);
    const zeroed = run(true);
    for (const [i, tensor] of zeroed.entries()) expect(Array.from(await tensor.data())).toEqual(new Array(xs[i]!.size).fill(0));
    tf.dispose([...xs, factors, ...scaled, ...zeroed]);
  });

  it('SELECT_MANY returns the chosen tensors themselves', () => {
    const t = [tf.ones([3]), tf.ones([2, 2])];
    const e = [tf.zeros([3]), tf.zeros([2, 2])];
    for (const [condition, chosen] of [[tf.scalar(true, 'bool'), t], [tf.scalar(0), e], [tf.scalar(Number.NaN), t]] as const) {
      const out = tf.engine().runKernel(SELECT_MANY, { condition, t0: t[0]!, e0: e[0]!, t1: t[1]!, e1: e[1]! }) as tf.Tensor[];
      expect(out.map((tensor) => tensor.dataId)).toEqual(chosen.map((tensor) => tensor.dataId));
      tf.dispose(out);
    }
    tf.dispose([...t, ...e]);
  });
});
