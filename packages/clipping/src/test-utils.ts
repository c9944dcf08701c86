// Test helpers for the clipping package (could move to @gs/testing: running one plugin's
// transformGradients outside an optimizer with a minimal step context).
import * as tf from '@tensorflow/tfjs';
import { createStepContext, type GradientMap, type ParamInfo, type RecordedValue, type StabilityPlugin } from '@gs/core';
import { adaptiveClip, excludeOutputLayer } from './adaptive-clip.js';
import { autoClip } from './auto-clip.js';
import { clipByBlockRms } from './clip-by-block-rms.js';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { clipByNorm } from './clip-by-norm.js';
import { clipByValue } from './clip-by-value.js';
import { nonFinite } from './non-finite.js';
import { zClip } from './z-clip.js';

/** Parameters described from gradient shapes: layer = name prefix, depth = position. */
export function paramsFor(grads: GradientMap): ParamInfo[] {
  return Object.entries(grads).map(([name, g], index) => ({
    name,
    layerName: name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : name,
    role: name.endsWith('bias') ? 'bias' : 'kernel',
    shape: g.shape,
    depth: index,
    index,
  }));
}

/**
 * Runs `plugin.transformGradients` on `grads` as step `step`, with `weights` as the variables (for
 * AGC), and returns the output gradients as arrays plus the recorded values read back.
 */
export async function transformOnce(
  plugin: StabilityPlugin,
  grads: Record<string, tf.Tensor>,
  { weights = {}, step = 0, params }: { weights?: Record<string, tf.Tensor>; step?: number; params?: ParamInfo[] } = {},
): Promise<{ grads: Record<string, number[]>; values: Record<string, RecordedValue>; skip: boolean }> {
  const variables = new Map<string, tf.Variable>();
  for (const [name, value] of Object.entries(weights)) variables.set(name, tf.variable(value, false));
  const described = params ?? paramsFor(grads);
  // A plain SGD stands in for the wrapped optimizer; the transforms here never call it.
  const optimizer = tf.train.sgd(0.1);
  if (step === 0) plugin.setup?.({ params: described, variables, optimizer });
  const recorded: Array<[string, tf.Tensor]> = [];
  const record = (_key: string, name: string, value: tf.Tensor | number) =>
    void recorded.push([name, tf.keep(typeof value === 'number' ? tf.scalar(value) : tf.clone(value))]);
  const standalone = createStepContext({ step, reporting: true, params: described, variables, optimizer, incomingGradients: grads, record }, plugin.name);
  const { output, skips } = tf.tidy(() => {
    const out = plugin.transformGradients?.(grads, standalone.context) ?? grads;
    // Read every gradient (a lazily scaled map computes them here) and keep what the step decided.
    const named = Object.fromEntries(Object.keys(out).map((name) => [name, out[name]!]));
    return { output: named, skips: standalone.skipConditions.map((condition) => tf.clone(condition)) };
  });
  const result: Record<string, number[]> = {};
  for (const [name, g] of Object.entries(output)) result[name] = Array.from(await g.data());
  const values: Record<string, RecordedValue> = {};
  for (const [name, tensor] of recorded) {
    const data = Array.from(await tensor.data());
    values[name] = tensor.rank === 0 ? data[0]! : data;
  }
  let skip = false;
  for (const condition of skips) skip ||= (await condition.data())[0] !== 0;
  tf.dispose([...Object.values(output).filter((g) => !Object.values(grads).includes(g)), ...recorded.map(([, t]) => t), ...skips]);
  standalone.dispose();
  tf.dispose([...variables.values()]);
  optimizer.dispose();
  return { grads: result, values, skip };
}

/** One of every transform, each with settings that make it act on the small test model. */
export const TRANSFORMS: Array<[string, () => StabilityPlugin]> = [
  ['clipByValue', () => clipByValue(0.01)],
  ['clipByNorm', () => clipByNorm(0.05)],
  ['clipByGlobalNorm', () => clipByGlobalNorm(0.05)],
  ['clipByBlockRms', () => clipByBlockRms(0.01)],
  ['adaptiveClip', () => adaptiveClip({ clipping: 0.01, exclude: excludeOutputLayer })],
  ['autoClip', () => autoClip({ percentile: 10, history: 50 })],
  ['zClip', () => zClip({ warmup: 5 })],
  ["nonFinite('zero')", () => nonFinite({ policy: 'zero' })],
];

/** The policies that skip updates through core's skipUpdateIf (see the host-sync test). */
export const SKIPPING: Array<[string, () => StabilityPlugin]> = [
  ["nonFinite('skip')", () => nonFinite()],
  ["nonFinite('throw')", () => nonFinite({ policy: 'throw' })],
];
