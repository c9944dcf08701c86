import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '@gs/core';
import { reZero } from './re-zero.js';
import { scale } from './scale.js';
import { skipInit } from './skip-init.js';

/**
 * What multiplies a residual branch before the sum, as the builders accept it:
 * - `'none'` — nothing (`x + F(x)`),
 * - `'reZero'` / `'skipInit'` — a learnable scalar starting at 0 (see `reZero`, `skipInit`),
 * - a number `s` — a fixed scalar (see `scale`), e.g. `1 / Math.sqrt(depth)`,
 * - a function `(blockIndex) => layer | layers` — any gate layers, e.g. `() => [reZero(), dropPath(0.1)]`.
 */
export type GateOption = 'none' | 'reZero' | 'skipInit' | number | ((blockIndex: number) => tf.layers.Layer | tf.layers.Layer[]);

/** The gate layers (possibly none) for block `blockIndex`, named `<name>` / `<name>_<k>`. */
export function createGate(where: string, gate: GateOption, blockIndex: number, name: string): tf.layers.Layer[] {
  if (gate === 'none') return [];
  if (gate === 'reZero') return [reZero({ name })];
  if (gate === 'skipInit') return [skipInit({ name })];
  if (typeof gate === 'number') {
    if (!Number.isFinite(gate)) invalidOption(where, 'gate', 'a finite number', gate);
    return [scale(gate, { name })];
  }
  if (typeof gate === 'function') {
    const made = gate(blockIndex);
    const layers = Array.isArray(made) ? made : [made];
    layers.forEach((layer, k) => {
      if (!(layer instanceof tf.layers.Layer)) invalidOption(where, `gate(${blockIndex})[${k}]`, 'a tf.layers.Layer', layer);
    });
    return layers;
  }
  return invalidOption(where, 'gate', "'none', 'reZero', 'skipInit', a number or a function returning gate layers", gate);
}

/** Checks a `GateOption` up front (the gate layers are made later, per block). */
export function requireGateOption(where: string, gate: unknown): GateOption {
  const ok = gate === 'none' || gate === 'reZero' || gate === 'skipInit' || typeof gate === 'function' || (typeof gate === 'number' && Number.isFinite(gate));
  if (!ok) invalidOption(where, 'gate', '"none", "reZero", "skipInit", a finite number or a function returning gate layers', gate);
  return gate as GateOption;
}
