import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { SCALE_GRADIENTS, UNIT_SQUARED_NORMS } from './kernel-names.js';
import { unitSums, unitsOf } from './test-utils.js';
import { scaleInPlace, useWebGPUKernels } from './webgpu-kernels.js';

// The WebGPU kernels read a tensor four floats at a time when its units come in fours (or it has
// one unit and a size divisible by four), else one at a time. Shapes of every kind, several in one
// dispatch: units in fours ([6, 8], [3, 2, 4], [200, 20] — larger than one sweep of a pass, its
// units not dividing the pass's stride), one unit in fours ([8], [12, 1]), and neither ([7, 5],
// [13], [], [9, 1], [500, 9]). References: sums in double precision; products exactly
// `Math.fround(g · f)`, as one f32 multiply gives.
const SHAPES = [[6, 8], [7, 5], [8], [3, 2, 4], [13], [], [12, 1], [9, 1], [200, 20], [500, 9]];
const WIDTH = Math.max(...SHAPES.map(unitsOf));
const data = (shape: number[], seed: number) =>
  Array.from({ length: tf.util.sizeFromShape(shape) }, (_, i) => Math.fround(Math.sin(i * 1.7 + seed) * (1 + (i % 3))));
/** Per-unit factors `[P, WIDTH]`, distinct for every unit, some negative. */
const factorRows = SHAPES.map((_, p) => Array.from({ length: WIDTH }, (_, u) => Math.fround(0.5 + ((p * 7 + u * 3) % 13) / 8 - (u % 5 === 0 ? 2 : 0))));

const webgpu = (await testBackends()).filter((backend) => backend === 'webgpu');

describeBackends('WebGPU kernels, four floats or one at a time', webgpu, () => {
  it('UNIT_SQUARED_NORMS gives Σx² and Σ(a − b)² per unit for every kind of shape, zeros past each tensor’s units', async () => {
    expect(useWebGPUKernels()).toBe(true);
    const xs = SHAPES.map((shape, i) => tf.tensor(data(shape, i), shape));
    const ys = SHAPES.map((shape, i) => tf.tensor(data(shape, i + 10), shape));
    const attrs = { units: SHAPES.map(unitsOf), rows: SHAPES.map((shape) => tf.util.sizeFromShape(shape) / unitsOf(shape)), width: WIDTH };
    const padded = (sums: number[]) => [...sums, ...new Array<number>(WIDTH - sums.length).fill(0)];
    const square = tf.engine().runKernel(UNIT_SQUARED_NORMS, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])), { ...attrs, mode: 'square' } as never) as tf.Tensor;
    await expectClose(square, SHAPES.flatMap((shape, i) => padded(unitSums(shape, data(shape, i)))), { rtol: 1e-6 });
    const pairs = Object.fromEntries(xs.flatMap((x, i) => [[`x${2 * i}`, x], [`x${2 * i + 1}`, ys[i]!]]));
    const difference = tf.engine().runKernel(UNIT_SQUARED_NORMS, pairs, { ...attrs, mode: 'difference' } as never) as tf.Tensor;
    const differences = SHAPES.map((shape, i) => data(shape, i).map((a, k) => a - data(shape, i + 10)[k]!));
    await expectClose(difference, SHAPES.flatMap((shape, i) => padded(unitSums(shape, differences[i]!))), { rtol: 1e-6 });
    tf.dispose([...xs, ...ys, square, difference]);
  });

  it('SCALE_GRADIENTS and the in-place pass give fround(g · factor) exactly, per unit, per tensor and for all, and zeros when told, in place too', async () => {
    expect(useWebGPUKernels()).toBe(true);
    const perUnit = tf.tensor2d(factorRows.flat(), [SHAPES.length, WIDTH]);
    const perTensor = tf.tensor1d(factorRows.map((row) => row[1]!));
    const cases: Array<[string, tf.Tensor, (p: number, unit: number) => number, (p: number) => number, number[]]> = [
      ['per unit', perUnit, (p, unit) => factorRows[p]![unit]!, (p) => p * WIDTH, SHAPES.map(unitsOf)],
      ['per tensor', perTensor, (p) => factorRows[p]![1]!, (p) => p, SHAPES.map(() => 1)],
      ['one for all', tf.scalar(0.375), () => 0.375, () => 0, SHAPES.map(() => 1)],
      // The in-place pass leaves a gradient whose one factor is 1 unread, unless it zeros it.
      ['one for all, 1', tf.scalar(1), () => 1, () => 0, SHAPES.map(() => 1)],
    ];
    for (const [label, factors, factorOf, offsetOf, units] of cases) {
      const expected = SHAPES.map((shape, p) => data(shape, p).map((g, i) => Math.fround(g * factorOf(p, i % units[p]!))));
      const xs = SHAPES.map((shape, p) => tf.tensor(data(shape, p), shape));
      const attrs = { offsets: SHAPES.map((_, p) => offsetOf(p)), units };
      const inputs = (zero: boolean) => ({ factors, zero: tf.scalar(zero, 'bool'), ...Object.fromEntries(xs.map((x, p) => [`x${p}`, x])) });
      const scaled = tf.engine().runKernel(SCALE_GRADIENTS, inputs(false), attrs as never) as tf.Tensor[];
      for (const [p, tensor] of scaled.entries()) expect(Array.from(await tensor.data()), `${label} ${SHAPES[p]}`).toEqual(expected[p]);
      const zeroed = tf.engine().runKernel(SCALE_GRADIENTS, inputs(true), attrs as never) as tf.Tensor[];
      for (const tensor of zeroed) expect(Array.from(await tensor.data()).every((value) => value === 0)).toBe(true);
      const items = xs.map((tensor, p) => ({ tensor, offset: offsetOf(p), units: units[p]! }));
      expect(scaleInPlace(items, factors, undefined)).toBe(true);
      for (const [p, tensor] of xs.entries()) expect(Array.from(await tensor.data()), `${label} in place ${SHAPES[p]}`).toEqual(expected[p]);
      // Fresh tensors: tfjs keeps a host copy of a tensor once read, which a later in-place pass would not update.
      const fresh = SHAPES.map((shape, p) => tf.tensor(data(shape, p), shape));
      const zero = tf.scalar(true, 'bool');
      expect(scaleInPlace(fresh.map((tensor, p) => ({ ...items[p]!, tensor })), factors, zero)).toBe(true);
      for (const tensor of fresh) expect(Array.from(await tensor.data()).every((value) => value === 0), `${label} zeroed in place`).toBe(true);
      tf.dispose([...xs, ...fresh, ...scaled, ...zeroed, zero]);
    }
    tf.dispose([perUnit, perTensor]);
  });
});
