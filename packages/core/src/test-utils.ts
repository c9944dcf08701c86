// Test helpers for core: a step scope over variables of every unit shape, as a transform hook sees it.
import * as tf from '@tensorflow/tfjs';
import { describeBackends } from '@gs/testing';
import { afterAll, beforeAll } from 'vitest';
import { FUSED_KERNELS_FLAG } from './kernel-names.js';
import { describeVariables } from './param-info.js';
import type { GradientMap } from './plugin.js';
import { StepScope } from './step-scope.js';

// Shapes of every kind a unit can take: a scalar and a vector (one unit each), a dense kernel
// [in, out] (a unit per column) and a conv kernel [h, w, in, out] (a unit per filter).
export const SHAPES: Record<string, number[]> = { 'r/scale': [], 'd/bias': [3], 'd/kernel': [4, 3], 'c/kernel': [2, 2, 1, 3] };

/** Deterministic values of `shape`, some negative, and a host copy for the references. */
export function values(shape: number[], offset: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => ((i * 7 + offset) % 11) - 5 + 0.25 * offset);
}

/** Output units of a tensor shaped `shape`: its last axis (one for rank ≤ 1). */
export const unitsOf = (shape: number[]) => (shape.length >= 2 ? shape[shape.length - 1]! : 1);

/** By-hand unit sums: Σ over every axis but the last (the whole tensor for rank ≤ 1). */
export function unitSums(shape: number[], data: number[]): number[] {
  const units = unitsOf(shape);
  const sums = new Array<number>(units).fill(0);
  data.forEach((x, i) => (sums[i % units]! += x * x));
  return sums;
}

let scopes = 0;

/** A step scope over variables shaped like SHAPES (weights = values(shape, p + 1)), as in a transform hook. */
export function makeScope(names = Object.keys(SHAPES)) {
  scopes++;
  const variables = names.map((name, p) => tf.variable(tf.tensor(values(SHAPES[name]!, p + 1), SHAPES[name]), true, `${name}_scope${scopes}`));
  // Parameters named like the map entries, with the variables' shapes.
  const params = describeVariables(variables).map((param, p) => ({ ...param, name: names[p]!, layerName: names[p]!.split('/')[0]! }));
  const byName = new Map(names.map((name, p) => [name, variables[p]!]));
  const optimizer = tf.train.sgd(0.1);
  const scope = new StepScope({ step: 0, reporting: true, params, variables: byName, optimizer, incomingGradients: {}, record: () => {} });
  scope.inTransform = true;
  return {
    scope,
    ctx: scope.contextFor('test'),
    dispose() {
      scope.dispose();
      tf.dispose(variables);
      optimizer.dispose();
    },
  };
}

export function gradients(names = Object.keys(SHAPES), offset = 3): GradientMap {
  return Object.fromEntries(names.map((name, p) => [name, tf.tensor(values(SHAPES[name]!, p + offset), SHAPES[name])]));
}


/**
 * Declares `body` once per backend on each path of the step: with core's fused kernels (the
 * default) and on plain tfjs ops (`GS_FUSED_KERNELS` off, as on backends without the kernels).
 */
export function describeBothPaths(
  title: string,
  backends: Parameters<typeof describeBackends>[1],
  body: (backend: Parameters<typeof describeBackends>[1][number], fused: boolean) => void,
): void {
  for (const fused of [true, false]) {
    describeBackends(fused ? title : `${title} (tfjs ops)`, backends, (backend) => {
      if (!fused) {
        beforeAll(() => tf.env().set(FUSED_KERNELS_FLAG, false));
        afterAll(() => tf.env().set(FUSED_KERNELS_FLAG, true));
      }
      body(backend, fused);
    });
  }
}
