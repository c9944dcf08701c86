import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';

type Numeric = tf.Tensor | number | ArrayLike<number> | readonly number[];

/** Reads a tensor (asynchronously, so it works on WebGPU in Node) or array into a plain array. */
export async function toNumbers(value: Numeric): Promise<number[]> {
  if (value instanceof tf.Tensor) return Array.from(await value.data());
  if (typeof value === 'number') return [value];
  return Array.from(value as ArrayLike<number>);
}

/**
 * Expects `actual` and `expected` to have the same length and `|a − e| ≤ atol + rtol·|e|`
 * element-wise (numpy `allclose`); NaN matches NaN and ±Infinity must match exactly.
 * Defaults: rtol 1e-5, atol 1e-6.
 */
export async function expectClose(
  actual: Numeric,
  expected: Numeric,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): Promise<void> {
  const a = await toNumbers(actual);
  const e = await toNumbers(expected);
  expect(a.length, 'length').toBe(e.length);
  const bad: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${x}, expected ${y}`);
  }
  expect(bad, `not close (rtol ${rtol}, atol ${atol})`).toEqual([]);
}
