import { invalidOption } from '@gs/core';

/** Fan-in and fan-out of a weight. */
export interface Fans {
  /** Number of inputs each output unit sums over: `shape[-2]·receptive` (1 for a scalar). */
  fanIn: number;
  /** Number of outputs each input unit feeds: `shape[-1]·receptive` (1 for a scalar). */
  fanOut: number;
}

/**
 * Fan-in and fan-out of a weight of `shape`, for the tfjs (channels-last) layouts: Dense
 * `[in, out]`, ConvND `[...kernel, in, out]`, so with `receptive = ∏ shape[:-2]`:
 * `fanIn = shape[-2]·receptive`, `fanOut = shape[-1]·receptive`. A vector `[n]` has
 * `fanIn = fanOut = n`; a scalar 1. (Keras 3 `compute_fans`; PyTorch's
 * `_calculate_fan_in_and_fan_out` is the same rule for its `[out, in, ...k]` layout.)
 *
 * tfjs differs for rank 1 and rank > 5: it uses `√(∏shape)` for both.
 *
 * @example
 * computeFans([3, 3, 16, 32]); // { fanIn: 144, fanOut: 288 }
 */
export function computeFans(shape: readonly number[]): Fans {
  const isShape = Array.isArray(shape) && shape.every((size) => Number.isInteger(size) && size >= 0);
  if (!isShape) invalidOption('computeFans', 'shape', 'an array of non-negative integers (a weight shape)', shape);
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i]!;
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}
