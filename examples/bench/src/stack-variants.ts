import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin } from '@gs/core';
import { adaptiveClip, clipByGlobalNorm, nonFinite } from '@gs/clipping';
import { monitor } from '@gs/monitor';

/** One way to build the optimizer of a benchmarked step. */
export interface OptimizerVariant {
  /** Row label in the printed table. */
  name: string;
  /** The optimizer for `model`: the bare one, or it wrapped by `stabilize` with plugins. */
  create(model: tf.LayersModel): tf.Optimizer;
}

/** The wrapped optimizer every variant uses: Adam, learning rate 1e-3. */
const adam = () => tf.train.adam(1e-3);

/** The detectors stay on (their cost is part of the monitor's) but print nothing. */
const quietMonitor = (every: number) => monitor({ every, onEvent: () => {} });

/** The stack a user with an unstable run wants, in the order the plugins' docs recommend. */
function fullStack(every: number): StabilityPlugin[] {
  return [nonFinite({ policy: 'skip' }), clipByGlobalNorm(1), adaptiveClip(), quietMonitor(every)];
}

function stabilized(name: string, plugins: () => StabilityPlugin[], every: number): OptimizerVariant {
  return { name, create: (model) => stabilize(adam(), plugins(), { model, every }) };
}

/** The bare optimizer, the baseline of every ratio. */
export const bare: OptimizerVariant = { name: 'bare adam', create: () => adam() };

/**
 * The bare optimizer again, on its own copy of the model: what it measures against `bare` is the
 * noise floor of the run (two identical steps differ only by chance), to read the other ratios by.
 */
export const bareAgain: OptimizerVariant = { name: 'bare adam again (noise floor)', create: () => adam() };

/** Full stack reporting every step: `[nonFinite({policy: 'skip'}), clipByGlobalNorm(1), adaptiveClip(), monitor({every: 1})]`. */
export const fullStackEvery1 = stabilized('full stack, report every step', () => fullStack(1), 1);

/** Full stack with `monitor({every: 10})` and `stabilize(…, {every: 10})`. */
export const fullStackEvery10 = stabilized('full stack, report every 10', () => fullStack(10), 10);

/** Each plugin alone, reporting every 10 steps. */
export const eachPluginAlone: readonly OptimizerVariant[] = [
  stabilized("nonFinite({policy: 'skip'}) alone", () => [nonFinite({ policy: 'skip' })], 10),
  stabilized('clipByGlobalNorm(1) alone', () => [clipByGlobalNorm(1)], 10),
  stabilized('adaptiveClip() alone', () => [adaptiveClip()], 10),
  stabilized('monitor({every: 10}) alone', () => [quietMonitor(10)], 10),
];

/** The rows of the main table: bare, bare again (the noise floor), the full stack (every 1, every 10), each plugin alone. */
export const stackTable: readonly OptimizerVariant[] = [bare, bareAgain, fullStackEvery1, fullStackEvery10, ...eachPluginAlone];

/** The rows of the real-model tables: bare and the full stack. */
export const modelTable: readonly OptimizerVariant[] = [bare, fullStackEvery1, fullStackEvery10];
