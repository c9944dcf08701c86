import type * as tf from '@tensorflow/tfjs';
import type { StepContext } from '@gs/core';

/**
 * Which @gs/optim plugins ran in the current step, per wrapped optimizer, so a plugin can tell
 * when another one ran before it in an order that makes no sense (and say which order works).
 * Host-side bookkeeping only. Internal to @gs/optim.
 */

interface StepLog {
  step: number;
  entries: string[];
}

const logs = new WeakMap<tf.Optimizer, StepLog>();

function logOf(ctx: StepContext): StepLog {
  let log = logs.get(ctx.optimizer);
  if (!log || log.step !== ctx.step) {
    log = { step: ctx.step, entries: [] };
    logs.set(ctx.optimizer, log);
  }
  return log;
}

/** Notes that `entry` (a plugin name, or `name.hook`) ran in this step. */
export function noteRan(ctx: StepContext, entry: string): void {
  logOf(ctx).entries.push(entry);
}

/** The entries among `wanted` that already ran in this step. */
export function ranBefore(ctx: StepContext, wanted: readonly string[]): string[] {
  return logOf(ctx).entries.filter((entry) => wanted.includes(entry));
}
