import type * as tf from '@tensorflow/tfjs';
import type { GradientReductions } from './gradient-reductions.js';
import type { ParamInfo } from './param-info.js';

/** Gradients of one step keyed by variable name (entries for unconnected variables are absent). */
export type GradientMap = Record<string, tf.Tensor>;

/** A value published with `record`, as it reaches the host: a number for a scalar, else a flat array. */
export type RecordedValue = number | number[];

/** What every hook can see about the run. */
export interface SetupContext {
  /** Every trainable parameter, in gradient-list order. */
  readonly params: readonly ParamInfo[];
  /** The variables being trained, by name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /** The model, when one was given to `stabilize`/`createTrainer`. */
  readonly model?: tf.LayersModel;
  /**
   * The wrapped optimizer that applies the updates (e.g. the `tf.train.adam(1e-3)` given to
   * `stabilize`): read its class and settings; plugins that schedule the learning rate set it here.
   */
  readonly optimizer: tf.Optimizer;
}

/** What `transformGradients` and `afterUpdate` see in one step. */
export interface StepContext extends SetupContext {
  /** 0-based index of this update. */
  readonly step: number;
  /**
   * Whether this step's recorded values will reach `onReport`: true every `every`-th step when at
   * least one plugin has `onReport`. Skip computing values to record when it is false.
   */
  readonly reporting: boolean;
  /** The step's loss when the step came through `minimize` (as `fit` does); read it, never dispose it. */
  readonly loss?: tf.Scalar;
  /**
   * The step's gradients as the loss produced them, before any plugin transformed them (a plugin
   * earlier in the list may have zeroed or clipped what `transformGradients` receives). Read them,
   * never dispose them. In `afterUpdate` too.
   */
  readonly incomingGradients: GradientMap;
  /**
   * Publishes an on-device value for this step's report under `"<plugin name>/<name>"`. Nothing
   * is read here: every value recorded in a step is packed into one tensor and read back with a
   * single async `data()` after the update. A no-op when `reporting` is false.
   */
  record(name: string, value: tf.Tensor | number): void;
  /**
   * Undoes this step's update of every variable when `condition` (a boolean or 0/1 scalar) is
   * true, decided on the device: the variables' values before the update are kept (no copy) and
   * each variable is restored with one select, `condition ? before : after`, bit for bit. The
   * wrapped optimizer still runs, so its own state (moments, iteration count) advances: pass it
   * zeros where the gradients were bad (`zeroGradientsIf`). Only from `transformGradients`.
   */
  skipUpdateIf(condition: tf.Tensor): void;
  /**
   * Per-parameter reductions (Σx², per-unit Σx², Σ(a−b)²) of any gradient or weight map,
   * computed once per step for all plugins and derived, without reading the tensors again, for
   * maps from `scaleGradients`/`zeroGradientsIf`. See `GradientReductions`.
   */
  readonly reductions: GradientReductions;
  /**
   * `grads` multiplied by `factor` — a number, a scalar tensor, one value per parameter (`[P]`,
   * `ctx.params` order) or one per unit (`[P, width]`, `ctx.reductions.layout`; entries past a
   * parameter's units must be finite and are ignored) — as a map whose gradients are computed only
   * when read. The scalings of consecutive plugins (and `zeroGradientsIf`) are fused: the
   * optimizer receives each gradient after one kernel, and `ctx.reductions` of the result costs
   * no pass over the gradients. Only from `transformGradients`.
   *
   * @example
   * return ctx.scaleGradients(grads, tf.minimum(1, tf.div(maxNorm, norm))); // global-norm clipping
   */
  scaleGradients(grads: GradientMap, factor: number | tf.Tensor): GradientMap;
  /**
   * `grads` with every gradient replaced by zeros (NaN and ±Infinity entries included) when
   * `condition` (a boolean or 0/1 scalar) holds, decided on the device; lazy and fused like
   * `scaleGradients`. Only from `transformGradients`.
   */
  zeroGradientsIf(grads: GradientMap, condition: tf.Tensor): GradientMap;
  /**
   * Holds this step's update back, decided on the host (e.g. from a step count, so nothing is read
   * from the device): once the calling plugin's `transformGradients` returns, the plugins after it
   * in the list do not see this step's gradients, the wrapped optimizer is not called (weights,
   * moments and `ctx.optimizer.iterations` stay as they are) and no `afterUpdate` runs. The loss
   * and recorded values are still reported, and `ctx.step` still advances. Gradient accumulation
   * uses it on the steps between updates; the plugin keeps what it needs of the gradients. Only
   * from `transformGradients`; a `skipUpdateIf` condition of a deferred step is dropped (there is
   * no update to undo).
   */
  deferUpdate(): void;
}

/** A step's recorded values on the host, handed to every plugin's `onReport`. */
export interface StepReport {
  /** 0-based index of the update. */
  readonly step: number;
  /** The loss of the step, when it came through `minimize`. */
  readonly loss?: number;
  /** Every value recorded in the step, keyed `"<plugin name>/<name>"`. */
  readonly values: Readonly<Record<string, RecordedValue>>;
  /** The parameters the step trained, in gradient-list order. */
  readonly params: readonly ParamInfo[];
  /**
   * Asks training to stop: sets `model.stopTraining` when a model is known (so `fit` stops after
   * this batch) and marks the trainer stopped. The first reason given is kept.
   */
  stopTraining(reason: string): void;
}

/** What a plugin's own `onReport` additionally gets: its values without the name prefix. */
export interface PluginReportView {
  /** The name this plugin records under (its `name`, made unique in the list). */
  readonly key: string;
  /** The values this plugin recorded, keyed by the names it gave `record`. */
  readonly own: Readonly<Record<string, RecordedValue>>;
}

/**
 * A training-stability plugin: one object with optional hooks, called in this order each step.
 *
 * | hook | when |
 * |---|---|
 * | `setup(ctx)` | once, before the first step's gradients (params known) |
 * | `transformGradients(grads, ctx)` | after the gradients, before the update; plugins in list order |
 * | `afterUpdate(ctx)` | after the wrapped optimizer applied the update (not on a step a plugin deferred with `ctx.deferUpdate()`) |
 * | `onReport(report, view)` | when the step's recorded values reached the host (async) |
 * | `dispose()` | when the optimizer or trainer is disposed |
 *
 * Rules: no `dataSync`/`arraySync`/`print`/`await` in `setup`, `transformGradients` or
 * `afterUpdate`; decide on the device; intermediates are tidied by the caller, but tensors a
 * plugin keeps across steps are its own to dispose.
 *
 * @example
 * const scaleByHalf: StabilityPlugin = {
 *   name: 'scaleByHalf',
 *   transformGradients: (grads) =>
 *     Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.mul(0.5)])),
 * };
 */
export interface StabilityPlugin {
  /** Short name, used as the prefix of recorded values and in error messages. */
  readonly name: string;
  /** Runs once, before the first step's gradients are computed; the parameters are known. */
  setup?(ctx: SetupContext): void;
  /**
   * Rewrites the step's gradients, on the device. Returns the new gradients (same keys and
   * shapes), or nothing to keep them. Runs inside `tf.tidy`.
   */
  transformGradients?(grads: GradientMap, ctx: StepContext): GradientMap | void;
  /** Runs after the wrapped optimizer applied the update, inside `tf.tidy`. */
  afterUpdate?(ctx: StepContext): void;
  /**
   * Receives the step's recorded values as host numbers, in step order, on reporting steps. May
   * be async; an error thrown here ends `fit` within one batch (see `AUTOMATIC_REPORT_LAG`), and
   * surfaces at the next step and in `flush()`.
   */
  onReport?(report: StepReport, view: PluginReportView): void | Promise<void>;
  /** Frees what the plugin keeps across steps; called by `optimizer.dispose()`. */
  dispose?(): void;
}
