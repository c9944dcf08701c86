import { requireFinite } from '@gs/core';

/** A seed option: `undefined`/`null` (fresh seed per call) or a finite number. */
export function seedOption(where: string, seed: unknown): number | null {
  if (seed === undefined || seed === null) return null;
  return requireFinite(where, 'seed', seed);
}
