import * as tf from '@tensorflow/tfjs';
import {
  rejectUnknownOptions,
  requireInRange,
  requireInteger,
  type GradientMap,
  type ParamInfo,
  type PluginReportView,
  type RecordedValue,
  type SetupContext,
  type StabilityPlugin,
  type StepContext,
  type StepReport,
} from '@gs/core';
import { ActivationProbe, validateProbe } from './activation-probe.js';
import { GradientAlarmError, type Detector, type DetectorEvent } from './detector.js';
import { deadUnits } from './dead-units.js';
import { explodingGradients } from './exploding-gradients.js';
import { groupByLayer, type LayerGroup } from './layer-groups.js';
import { sumByLayer } from './layer-sums.js';
import { MonitorHistory, type MonitorHistoryOptions } from './monitor-history.js';
import type { ActivationStats, LayerStats, MonitorRecord } from './monitor-record.js';
import { nonFiniteValues } from './non-finite-values.js';
import { saturation } from './saturation.js';
import { validateSink, type MonitorSink } from './sink.js';
import { summarize, type MonitorSummary } from './summary.js';
import { vanishingGradients } from './vanishing-gradients.js';

/** Options for `monitor`. */
export interface MonitorOptions {
  /**
   * Measure every `every`-th reported step (steps whose index is a multiple of `every`). Default 1.
   * For no cost at all between measurements also pass `{ every }` to `stabilize`/`createTrainer`
   * (then the loss is read only on those steps too).
   */
  every?: number;
  /** Also record each parameter's gradient norm (kernel and bias separately). Default false. */
  perParameter?: boolean;
  /** Measure ‖ΔW‖/‖W‖ (keeps a copy of the weights during measured steps). Default true. */
  updateRatios?: boolean;
  /** A batch of inputs for activation statistics (needs the model in `stabilize`/`createTrainer`). */
  probe?: tf.Tensor;
  /** Run the probe on measured steps whose index is a multiple of `probeEvery`. Default `every`. */
  probeEvery?: number;
  /** An output is saturated where the activation's derivative is below this fraction of its maximum. Default 0.05. */
  saturationLevel?: number;
  /**
   * Detectors to run on every record. Default: vanishingGradients(), explodingGradients(),
   * nonFiniteValues(), and with a probe saturation() and deadUnits() — all with action 'warn'.
   */
  detectors?: readonly Detector[];
  /** Where records go besides `monitor.history`. Default none. */
  sinks?: readonly MonitorSink[];
  /** Limits of the built-in history. Default unbounded. */
  history?: MonitorHistoryOptions;
  /** Called with every event. Default: `console.warn` of the message and remedies. */
  onEvent?: (event: DetectorEvent) => void;
  /** The plugin's name (the prefix of its recorded values). Default 'monitor'. */
  name?: string;
}

const OPTIONS = [
  'every', 'perParameter', 'updateRatios', 'probe', 'probeEvery', 'saturationLevel', 'detectors', 'sinks', 'history', 'onEvent', 'name',
] as const;

/** Names of the values the monitor records (under `"<name>/…"`). */
const RECORDS = {
  gradientNorm: 'gradientNorm',
  layerGradientNorms: 'layerGradientNorms',
  parameterGradientNorms: 'parameterGradientNorms',
  layerWeightNorms: 'layerWeightNorms',
  layerUpdateRatios: 'layerUpdateRatios',
  activationMean: 'activationMean',
  activationStd: 'activationStd',
  saturatedFraction: 'saturatedFraction',
  deadFraction: 'deadFraction',
} as const;

function asArray(value: RecordedValue | undefined, length: number): number[] {
  if (value === undefined) return new Array<number>(length).fill(Number.NaN);
  return typeof value === 'number' ? [value] : value;
}

function defaultOnEvent(event: DetectorEvent): void {
  console.warn(`[monitor] ${event.message}\n  try: ${event.remedies.join('; ')}`);
}

/**
 * The gradient monitor plugin returned by `monitor()`: measures on the device during the step,
 * reads everything back with core's single readback, and turns the numbers into records,
 * detector events and sink output on the host.
 */
export class GradientMonitor implements StabilityPlugin {
  readonly name: string;
  /** Every record, loss point and event (the in-memory sink). */
  readonly history: MonitorHistory;
  /** Measure only steps whose index is a multiple of this (the validated `every` option, default 1). */
  readonly every: number;
  /** Run the activation probe on measured steps whose index is a multiple of this (default `every`). */
  readonly probeEvery: number;
  private readonly perParameter: boolean;
  private readonly updateRatios: boolean;
  private readonly probe?: tf.Tensor;
  private readonly saturationLevel: number;
  private readonly detectors: readonly Detector[];
  private readonly sinks: readonly MonitorSink[];
  private readonly onEvent: (event: DetectorEvent) => void;
  private groupsFor?: readonly ParamInfo[];
  private groups: LayerGroup[] = [];
  private activationProbe?: ActivationProbe;
  /** The weights before this step's update (core's map, valid until the step ends). */
  private weightsBefore?: GradientMap;

  constructor(options: MonitorOptions = {}) {
    const where = 'monitor';
    if (options == null || typeof options !== 'object') {
      throw new TypeError(`${where}(options): options must be an object, got ${String(options)}`);
    }
    rejectUnknownOptions(where, options, OPTIONS);
    this.name = options.name ?? 'monitor';
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new RangeError(`${where}: name must be a non-empty string, got ${JSON.stringify(options.name)}`);
    }
    this.every = requireInteger(where, 'every', options.every ?? 1);
    this.probeEvery = requireInteger(where, 'probeEvery', options.probeEvery ?? this.every);
    this.perParameter = Boolean(options.perParameter);
    this.updateRatios = options.updateRatios ?? true;
    this.saturationLevel = requireInRange(where, 'saturationLevel', options.saturationLevel ?? 0.05, 0, 1, { lowOpen: true, highOpen: true });
    if (options.probe !== undefined) {
      if (!(options.probe instanceof tf.Tensor)) {
        throw new TypeError(`${where}: probe must be a tf.Tensor batch of model inputs, got ${typeof options.probe}`);
      }
      this.probe = options.probe;
    }
    if (options.detectors !== undefined && !Array.isArray(options.detectors)) {
      throw new TypeError(`${where}: detectors must be an array of detectors such as vanishingGradients(), got ${typeof options.detectors}`);
    }
    this.detectors = (options.detectors ?? [
      vanishingGradients(),
      explodingGradients(),
      nonFiniteValues(),
      ...(this.probe ? [saturation(), deadUnits()] : []),
    ]).map((detector, position) => {
      if (detector == null || typeof (detector as Detector).check !== 'function' || typeof (detector as Detector).name !== 'string') {
        throw new TypeError(`${where}: detectors[${position}] is not a detector (an object with a name and check(record)), got ${String(detector)}`);
      }
      return detector;
    });
    if (options.sinks !== undefined && !Array.isArray(options.sinks)) {
      throw new TypeError(`${where}: sinks must be an array of sinks, got ${JSON.stringify(options.sinks)}`);
    }
    this.sinks = (options.sinks ?? []).map((sink, position) => validateSink(where, sink, position));
    if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
      throw new TypeError(`${where}: onEvent must be a function, got ${typeof options.onEvent}`);
    }
    this.onEvent = options.onEvent ?? defaultOnEvent;
    this.history = new MonitorHistory(options.history);
  }

  /** Every detector event so far. */
  get events(): readonly DetectorEvent[] {
    return this.history.events;
  }

  /** End-of-run diagnosis from the history (see `summarize`). */
  summary(): MonitorSummary {
    return summarize(this.history);
  }

  /** Groups the parameters by layer and, with a `probe`, builds the activation probe on `ctx.model`. */
  setup(ctx: SetupContext): void {
    this.layerGroups(ctx.params);
    if (!this.probe) return;
    if (!ctx.model) {
      throw new Error(
        'monitor: probe needs the model: pass it as stabilize(optimizer, plugins, { model }) or createTrainer({ optimizer, plugins, model })',
      );
    }
    validateProbe('monitor', ctx.model, this.probe);
    this.activationProbe = new ActivationProbe(ctx.model, this.groups, this.probe, this.saturationLevel);
  }

  /**
   * On measured steps records per-layer gradient norms ‖∇W_l‖ = sqrt(Σ g²) and the global norm on the
   * device, from core's shared per-parameter Σg² (`ctx.reductions`), and keeps the weights from
   * before the update for the update ratio. Leaves the gradients unchanged.
   */
  transformGradients(grads: GradientMap, ctx: StepContext): void {
    this.weightsBefore = undefined;
    if (!this.measuring(ctx)) return;
    const groups = this.layerGroups(ctx.params);
    const parameterSquares = ctx.reductions.squaredNorms(grads);
    const layerSquares = sumByLayer(groups, parameterSquares);
    ctx.record(RECORDS.layerGradientNorms, tf.sqrt(layerSquares));
    ctx.record(RECORDS.gradientNorm, tf.sqrt(tf.sum(layerSquares)));
    if (this.perParameter) ctx.record(RECORDS.parameterGradientNorms, tf.sqrt(parameterSquares));
    // Core keeps this map (values before the update, no copy) until the end of the step.
    if (this.updateRatios) this.weightsBefore = ctx.reductions.weights();
  }

  afterUpdate(ctx: StepContext): void {
    if (!this.measuring(ctx)) return;
    const groups = this.layerGroups(ctx.params);
    const { reductions } = ctx;
    const weights = reductions.weights();
    ctx.record(RECORDS.layerWeightNorms, tf.sqrt(sumByLayer(groups, reductions.squaredNorms(weights))));
    const before = this.weightsBefore;
    if (before) {
      const beforeSquares = sumByLayer(groups, reductions.squaredNorms(before));
      const deltaSquares = sumByLayer(groups, reductions.squaredDistances(weights, before));
      ctx.record(RECORDS.layerUpdateRatios, tf.div(tf.sqrt(deltaSquares), tf.sqrt(beforeSquares)));
    }
    this.weightsBefore = undefined;
    if (this.activationProbe && ctx.step % this.probeEvery === 0) {
      const stats = this.activationProbe.measure();
      ctx.record(RECORDS.activationMean, stats.mean);
      ctx.record(RECORDS.activationStd, stats.std);
      if (stats.saturatedFraction) ctx.record(RECORDS.saturatedFraction, stats.saturatedFraction);
      if (stats.deadFraction) ctx.record(RECORDS.deadFraction, stats.deadFraction);
    }
  }

  /**
   * Turns the read-back values into a `MonitorRecord`, writes it and the loss to the history and
   * sinks, runs the detectors and applies their actions (warn, stop training, or throw `GradientAlarmError`).
   */
  async onReport(report: StepReport, view: PluginReportView): Promise<void> {
    if (report.loss !== undefined) {
      const point = { step: report.step, loss: report.loss };
      this.history.writeLoss(point);
      for (const sink of this.sinks) await sink.writeLoss?.(point);
    }
    if (!(RECORDS.layerGradientNorms in view.own)) return;
    const record = this.buildRecord(report, view);
    this.history.write(record);
    for (const sink of this.sinks) await sink.write?.(record);
    const events = this.detectors.flatMap((detector) => detector.check(record, { history: this.history.records }));
    for (const event of events) {
      this.history.writeEvent(event);
      for (const sink of this.sinks) await sink.writeEvent?.(event);
      this.onEvent(event);
    }
    const stopping = events.find((event) => event.action === 'stop');
    if (stopping) report.stopTraining(stopping.message);
    const throwing = events.find((event) => event.action === 'throw');
    if (throwing) throw new GradientAlarmError(throwing);
  }

  /** Closes every sink (files, progress bars). Call once after training. */
  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }

  /** Drops the probe. Sinks stay open: see `close()`. */
  dispose(): void {
    this.weightsBefore = undefined;
    // The probe model shares the trained model's weights: it is dropped, not disposed.
    this.activationProbe = undefined;
  }

  private measuring(ctx: StepContext): boolean {
    return ctx.reporting && ctx.step % this.every === 0;
  }

  private layerGroups(params: readonly ParamInfo[]): LayerGroup[] {
    if (this.groupsFor !== params) {
      this.groupsFor = params;
      this.groups = groupByLayer(params);
    }
    return this.groups;
  }

  /** Maps the recorded probe vectors back to layer names (using the probe's layer lists). */
  private activationsByLayer(own: Readonly<Record<string, RecordedValue>>): Map<string, ActivationStats> {
    const result = new Map<string, ActivationStats>();
    const probe = this.activationProbe;
    if (!probe || !(RECORDS.activationMean in own)) return result;
    const means = asArray(own[RECORDS.activationMean], probe.measured.length);
    const stds = asArray(own[RECORDS.activationStd], probe.measured.length);
    const saturated = asArray(own[RECORDS.saturatedFraction], probe.saturating.length);
    const dead = asArray(own[RECORDS.deadFraction], probe.rectified.length);
    probe.measured.forEach((name, i) => {
      const saturatedAt = probe.saturating.indexOf(name);
      const deadAt = probe.rectified.indexOf(name);
      result.set(name, {
        mean: means[i]!,
        std: stds[i]!,
        ...(saturatedAt >= 0 ? { saturatedFraction: saturated[saturatedAt]! } : {}),
        ...(deadAt >= 0 ? { deadFraction: dead[deadAt]! } : {}),
      });
    });
    return result;
  }


  private buildRecord(report: StepReport, { key, own }: PluginReportView): MonitorRecord {
    const groups = groupByLayer(report.params);
    const count = groups.length;
    const gradientNorms = asArray(own[RECORDS.layerGradientNorms], count);
    const weightNorms = asArray(own[RECORDS.layerWeightNorms], count);
    const updateRatios = asArray(own[RECORDS.layerUpdateRatios], count);
    const parameterNorms = own[RECORDS.parameterGradientNorms] as number[] | undefined;
    const activationsByLayer = this.activationsByLayer(own);
    const layers = groups.map((group, i): LayerStats => {
      const activations = activationsByLayer.get(group.name);
      return {
        name: group.name,
        depth: group.depth,
        ...(group.layerClass ? { layerClass: group.layerClass } : {}),
        ...(group.activation ? { activation: group.activation } : {}),
        gradientNorm: gradientNorms[i]!,
        weightNorm: weightNorms[i]!,
        updateRatio: updateRatios[i]!,
        ...(parameterNorms
          ? { parameterGradientNorms: Object.fromEntries(group.params.map((param) => [param.name, parameterNorms[param.index]!])) }
          : {}),
        ...(activations ? { activations } : {}),
      };
    });
    const prefix = `${key}/`;
    const extras = Object.fromEntries(Object.entries(report.values).filter(([name]) => !name.startsWith(prefix)));
    return {
      step: report.step,
      ...(report.loss !== undefined ? { loss: report.loss } : {}),
      gradientNorm: own[RECORDS.gradientNorm] as number,
      layers,
      extras,
    };
  }
}

/**
 * Watches training per layer: gradient norms (global, per layer, optionally per parameter),
 * weight norms, the update-to-weight ratio ‖ΔW‖/‖W‖ (healthy ≈ 1e-3), the loss, other plugins'
 * records (clip norm, skipped steps), and activation statistics of a probe batch — all computed
 * on the device and read back with core's one async readback per reported step. Detectors turn
 * the host-side history into events that name the layer and suggest remedies; sinks write the
 * records out; `summary()` diagnoses the run.
 *
 * Formulas: ‖∇W_l‖ = sqrt(Σ_{p∈l} Σ g_p²); ‖∇W‖ = sqrt(Σ_l ‖∇W_l‖²); ratio_l = ‖W_l,t+1 − W_l,t‖ / ‖W_l,t‖.
 * Defaults: every 1, perParameter false, updateRatios true, probeEvery = every, saturationLevel
 * 0.05, detectors vanishing/exploding/non-finite (+ saturation/dead units with a probe), action 'warn'.
 * Sources: Glorot & Bengio 2010 (per-layer gradient ratios), Karpathy's "update/weight ≈ 1e-3"
 * heuristic (CS231n), PyTorch Lightning `grad_norm`.
 *
 * @example
 * const watcher = monitor({ every: 10, detectors: [vanishingGradients({ action: 'stop' })] });
 * model.compile({ optimizer: stabilize(tf.train.sgd(0.1), [watcher], { model }), loss: 'meanSquaredError' });
 * await model.fit(xs, ys, { epochs: 5 });
 * console.log(watcher.summary().text);
 */
export function monitor(options: MonitorOptions = {}): GradientMonitor {
  return new GradientMonitor(options);
}
