import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { beforeAll, expect, it } from 'vitest';
import { addingProblem, runSequenceCase, SEQUENCE_PLAN } from './sequence-case.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

it('addingProblem: two markers, one per half, and the target is the sum of the marked values', async () => {
  const { xs, ys } = addingProblem(20, 10, 3);
  const inputs = (await xs.array()) as number[][][];
  const targets = await ys.data();
  inputs.forEach((sequence, n) => {
    const marked = sequence.flatMap(([value, marker], t) => (marker === 1 ? [{ value: value!, t }] : []));
    expect(marked).toHaveLength(2);
    expect(marked[0]!.t).toBeLessThan(5);
    expect(marked[1]!.t).toBeGreaterThanOrEqual(5);
    expect(targets[n]).toBeCloseTo(marked[0]!.value + marked[1]!.value, 5);
  });
  tf.dispose([xs, ys]);
});

it('over 100 timesteps the N(0, 1) recurrent net\'s gradient explodes towards the first input; orthogonal does not', async () => {
  const plan = { ...SEQUENCE_PLAN, steps: 1, batchSize: 8 };
  const before = tf.memory().numTensors;
  const normal = await runSequenceCase('normal', plan);
  const orthogonal = await runSequenceCase('orthogonal', plan);
  expect(tf.memory().numTensors).toBe(before);
  const growth = (norms: number[]) => norms[0]! / norms[norms.length - 1]!;
  // Measured: N(0, 1) overflows float32 at t = 1 (growth Infinity); orthogonal tanh decays (≈ 5e-4).
  expect(growth(normal.timestepGradientNorms)).toBeGreaterThan(1e10);
  expect(Number.isFinite(growth(orthogonal.timestepGradientNorms))).toBe(true);
  expect(growth(orthogonal.timestepGradientNorms)).toBeLessThan(10);
  expect(normal.timestepGradientNorms).toHaveLength(100);
}, 300_000);
