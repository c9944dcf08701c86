import { invalidOption } from '@gs/core';

/**
 * Resolves a possibly negative axis against a rank (`-1` → `rank − 1`), rejecting out-of-range
 * axes and, unless `allowBatchAxis`, the batch axis 0.
 */
export function resolveAxis(where: string, option: string, axis: number, rank: number, allowBatchAxis = false): number {
  const resolved = axis < 0 ? axis + rank : axis;
  const low = allowBatchAxis ? 0 : 1;
  if (!Number.isInteger(axis) || resolved < low || resolved >= rank) {
    invalidOption(where, option, `an integer axis in [${low - rank}, ${rank - 1}] for rank ${rank}${allowBatchAxis ? '' : ' (not the batch axis)'}`, axis);
  }
  return resolved;
}

/** Resolves an axis or list of axes (see `resolveAxis`), sorted and without duplicates. */
export function resolveAxes(where: string, option: string, axis: number | readonly number[], rank: number): number[] {
  const list = typeof axis === 'number' ? [axis] : [...axis];
  if (list.length === 0) invalidOption(where, option, 'an axis or a non-empty list of axes', axis);
  const resolved = list.map((a) => resolveAxis(where, option, a, rank));
  if (new Set(resolved).size !== resolved.length) invalidOption(where, option, 'a list of distinct axes', axis);
  return resolved.sort((a, b) => a - b);
}

/** Checks an axis option's type up front (the range is checked once the input rank is known). */
export function requireAxisOption(where: string, option: string, axis: unknown, allowList: boolean): number | number[] {
  const isInt = (value: unknown) => typeof value === 'number' && Number.isInteger(value);
  if (isInt(axis)) return axis as number;
  if (allowList && Array.isArray(axis) && axis.length > 0 && axis.every(isInt)) return [...(axis as number[])];
  return invalidOption(where, option, allowList ? 'an integer or a non-empty list of integers' : 'an integer', axis);
}

/** `[1, …, 1]` of length `rank` with `shape[a]` at each axis in `axes`: the shape a per-feature weight broadcasts as. */
export function broadcastShape(shape: readonly (number | null)[], axes: readonly number[], rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => (axes.includes(i) ? (shape[i] as number) : 1));
}
