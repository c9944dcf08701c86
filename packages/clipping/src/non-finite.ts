import * as tf from '@tensorflow/tfjs';
import {
  requireOptions,
  requireInteger,
  requireOneOf,
  selectIf,
  type GradientMap,
  type ParamInfo,
  type RecordedValue,
  type StabilityPlugin,
} from '@gs/core';
import { mapGradients } from './gradient-map.js';

/** What `nonFinite` does with NaN/±Infinity gradients. */
export type NonFinitePolicy = 'skip' | 'zero' | 'throw';

/** Options for `nonFinite`. */
export interface NonFiniteOptions {
  /** `'skip'` (default), `'zero'` or `'throw'`; see `nonFinite`. */
  policy?: NonFinitePolicy;
  /** With `'skip'`: how many skipped steps in a row are tolerated before training fails. Default 10. */
  maxConsecutive?: number;
}

/** Counts `nonFinite` keeps on the host, as of the last report. */
export interface NonFiniteStats {
  /** Steps with a non-finite gradient so far (skipped steps for `'skip'`/`'throw'`). */
  nonFiniteSteps: number;
  /** Non-finite steps in a row up to the last reported step. */
  consecutive: number;
  /** The last step whose report arrived, or -1. */
  lastReportedStep: number;
}

/** A `nonFinite` plugin: a `StabilityPlugin` that also exposes its counts. */
export interface NonFinitePlugin extends StabilityPlugin {
  /** Counts as of the last report (they are counted on the device, so steps between reports are included). */
  readonly stats: Readonly<NonFiniteStats>;
}

interface DeviceState {
  size: number;
  /** Non-finite steps in a row, ending at the latest step. */
  consecutive: tf.Variable;
  /** Non-finite steps in total. */
  nonFiniteSteps: tf.Variable;
  /** Per-parameter 0/1 flags and step of the first step of the current run of non-finite steps. */
  runFlags: tf.Variable;
  runStart: tf.Variable;
  /** Latched when a run reaches the limit: 1, and that run's first flags and step. */
  tripped: tf.Variable;
  trippedFlags: tf.Variable;
  trippedRunStart: tf.Variable;
}

const NAMES_SHOWN = 5;

function createState(size: number): DeviceState {
  const scalar = () => tf.variable(tf.scalar(0), false);
  // In a tidy, so the initial values copied into the variables are freed.
  return tf.tidy(() => ({
    size,
    consecutive: scalar(),
    nonFiniteSteps: scalar(),
    runFlags: tf.variable(tf.zeros([size]), false),
    runStart: scalar(),
    tripped: scalar(),
    trippedFlags: tf.variable(tf.zeros([size]), false),
    trippedRunStart: scalar(),
  }));
}

function disposeState(state: DeviceState | undefined): void {
  if (!state) return;
  const { size: _size, ...variables } = state;
  tf.dispose(Object.values(variables));
}

function asArray(value: RecordedValue | undefined): number[] {
  return value === undefined ? [] : typeof value === 'number' ? [value] : value;
}

function describeFlags(flags: readonly number[], params: readonly ParamInfo[]): { first: string; list: string; count: number } {
  const names = params.filter((_, i) => flags[i]! > 0).map((param) => param.name);
  const shown = names.slice(0, NAMES_SHOWN).join(', ') + (names.length > NAMES_SHOWN ? ', …' : '');
  return { first: names[0] ?? '(unknown)', list: shown, count: names.length };
}

/**
 * One policy for NaN/±Infinity gradients, decided on the device (no host sync in the step).
 *
 * - `'zero'`: every non-finite gradient entry is replaced by 0 (`g ← isFinite(g) ? g : 0`); the
 *   step goes on with the finite entries.
 * - `'skip'` (default): a step in which any gradient entry is non-finite leaves every weight
 *   unchanged (`ctx.skipUpdateIf`: each variable is restored bit for bit with one select after
 *   the update) and is counted. It is decided from core's shared Σg² per parameter
 *   (`ctx.reductions`, one read of the gradients for all plugins), which is non-finite exactly when
 *   the parameter has a NaN/±Infinity entry or is so large that its squared norm overflows float32
 *   (‖g‖ > ~1.8e19 — Adam's second moment could not hold it either), so such a step counts too. All gradients of such a step are passed to the wrapped optimizer as zeros, so its
 *   state is not poisoned by NaN — but it still runs: its iteration counter advances and its
 *   moments decay (Adam: `m ← β₁m`, `v ← β₂v`, bias correction moves on; momentum:
 *   `velocity ← μ·velocity`). After `maxConsecutive` skipped steps in a row, the next report throws
 *   an error naming the first parameter (in gradient order) that was non-finite at the start of
 *   that run, which fails training (`fit` rejects within one batch; `flush()` rejects).
 * - `'throw'`: like `'skip'` (the bad step's update is undone, so weights stay clean) and the first
 *   report that sees a non-finite step throws the same kind of error.
 *
 * Counts, the run's start and the per-parameter flags are kept on the device, so with
 * `stabilize(…, { every: k })` steps between reports are still counted and a run that reached the
 * limit between reports still trips at the next report; the error then arrives up to `k − 1`
 * steps late (those steps are skipped too if still non-finite, so weights stay clean). Place
 * `nonFinite` first in the plugin list so later transforms see clean gradients and its flags name
 * the parameter that went bad (global-norm clipping before it would spread a NaN to every
 * gradient). Defaults: `policy = 'skip'`, `maxConsecutive = 10`.
 *
 * Records (when reporting): `nonFinite` (1 if this step had a non-finite entry), `flags` (per
 * parameter, 1 if non-finite), `nonFiniteSteps` (total), `consecutive`, `scale` (0 on a skipped
 * step, else 1), `clipped` (= `nonFinite`); with `'skip'`/`'throw'` also `tripped`,
 * `trippedFlags`, `trippedRunStart`.
 *
 * Source: the dynamic loss-scaling skip rule of mixed-precision training (Micikevicius et al. 2018,
 * "Mixed Precision Training"; PyTorch `GradScaler` skips `optimizer.step()` on inf/NaN gradients),
 * Optax `zero_nans` and `apply_if_finite(…, max_consecutive_errors)`.
 *
 * @example
 * const guard = nonFinite({ policy: 'skip', maxConsecutive: 10 });
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [guard, clipByGlobalNorm(1)], { model }), loss: 'meanSquaredError' });
 * await model.fit(xs, ys, { epochs: 5 });
 * console.log(guard.stats.nonFiniteSteps);
 */
export function nonFinite(options: NonFiniteOptions = {}): NonFinitePlugin {
  const where = 'nonFinite';
  const opts = requireOptions<NonFiniteOptions>(where, options, ['policy', 'maxConsecutive']);
  const policy = requireOneOf<NonFinitePolicy>(where, 'policy', opts.policy ?? 'skip', ['skip', 'zero', 'throw']);
  const maxConsecutive = requireInteger(where, 'maxConsecutive', opts.maxConsecutive ?? 10);
  const limit = policy === 'throw' ? 1 : maxConsecutive;
  const stats: NonFiniteStats = { nonFiniteSteps: 0, consecutive: 0, lastReportedStep: -1 };
  let state: DeviceState | undefined;

  const ensureState = (size: number): DeviceState => {
    if (state?.size !== size) {
      disposeState(state);
      state = createState(size);
    }
    return state;
  };

  return {
    name: 'nonFinite',
    stats,
    setup(ctx) {
      ensureState(ctx.params.length);
    },
    transformGradients(grads, ctx) {
      if (ctx.params.length === 0) return;
      const device = ensureState(ctx.params.length);
      let flags: tf.Tensor;
      let result: GradientMap;
      let badCondition: tf.Tensor;
      if (policy === 'zero') {
        const finiteMasks = new Map<string, tf.Tensor>();
        flags = tf.stack(
          ctx.params.map((param) => {
            const g = grads[param.name];
            if (!g || g.size === 0) return tf.scalar(0);
            const finite = tf.isFinite(g);
            finiteMasks.set(param.name, finite);
            return tf.sub(1, tf.min(tf.cast(finite, 'float32')));
          }),
        );
        badCondition = tf.greater(tf.max(flags), 0);
        result = mapGradients(grads, (g, name) => {
          const finite = finiteMasks.get(name);
          return finite ? tf.where(finite, g, tf.zerosLike(g)) : g;
        });
      } else {
        // Core's shared Σg² per parameter (one pass over the gradients for all plugins) is
        // non-finite exactly when the parameter has a NaN/±Infinity entry, or is too large for
        // its square to fit in float32. The skip and the zeroing are decided on the device and
        // fused by core: one select per variable after the update, no pass here.
        flags = tf.cast(tf.logicalNot(tf.isFinite(ctx.reductions.squaredNorms(grads))), 'float32');
        badCondition = tf.greater(tf.max(flags), 0);
        ctx.skipUpdateIf(badCondition);
        result = ctx.zeroGradientsIf(grads, badCondition);
      }
      const bad = tf.cast(badCondition, 'float32');

      const runStarting = tf.logicalAnd(badCondition, tf.equal(device.consecutive, 0));
      const runFlags = selectIf(runStarting, flags, device.runFlags);
      const runStart = tf.where(runStarting, tf.scalar(ctx.step) as tf.Tensor, device.runStart);
      const consecutive = tf.mul(bad, tf.add(device.consecutive, 1));
      const nonFiniteSteps = tf.add(device.nonFiniteSteps, bad);
      device.runFlags.assign(runFlags);
      device.runStart.assign(runStart);
      device.consecutive.assign(consecutive);
      device.nonFiniteSteps.assign(nonFiniteSteps);
      if (policy !== 'zero') {
        const tripNow = tf.logicalAnd(tf.greaterEqual(consecutive, limit), tf.equal(device.tripped, 0));
        device.trippedFlags.assign(selectIf(tripNow, runFlags, device.trippedFlags));
        device.trippedRunStart.assign(tf.where(tripNow, runStart as tf.Tensor, device.trippedRunStart));
        device.tripped.assign(tf.maximum(device.tripped, tf.cast(tripNow, 'float32')));
      }

      if (ctx.reporting) {
        ctx.record('nonFinite', bad);
        ctx.record('flags', flags);
        ctx.record('nonFiniteSteps', nonFiniteSteps);
        ctx.record('consecutive', consecutive);
        ctx.record('scale', policy === 'zero' ? tf.scalar(1) : tf.sub(1, bad));
        ctx.record('clipped', bad);
        if (policy !== 'zero') {
          ctx.record('tripped', tf.clone(device.tripped));
          ctx.record('trippedFlags', tf.clone(device.trippedFlags));
          ctx.record('trippedRunStart', tf.clone(device.trippedRunStart));
        }
      }
      return result;
    },
    onReport(report, { own }) {
      if (typeof own['nonFiniteSteps'] !== 'number') return;
      stats.nonFiniteSteps = own['nonFiniteSteps'];
      stats.consecutive = own['consecutive'] as number;
      stats.lastReportedStep = report.step;
      if (policy === 'zero' || own['tripped'] !== 1) return;
      const runStart = own['trippedRunStart'] as number;
      const { first, list, count } = describeFlags(asArray(own['trippedFlags']), report.params);
      const which = `first non-finite parameter: ${first} (${count} of ${report.params.length} parameters non-finite at step ${runStart}: ${list})`;
      const advice = 'Weights were left unchanged on those steps. Try a lower learning rate, gradient clipping, or check the inputs for NaN.';
      if (policy === 'throw') {
        throw new Error(`nonFinite (policy 'throw'): non-finite gradient (NaN/Infinity) at step ${runStart}; ${which}. ${advice}`);
      }
      throw new Error(
        `nonFinite: ${maxConsecutive} consecutive steps from step ${runStart} had non-finite gradients (NaN/Infinity) and were skipped (maxConsecutive = ${maxConsecutive}); ${which}. ${advice}`,
      );
    },
    dispose() {
      disposeState(state);
      state = undefined;
    },
  };
}
