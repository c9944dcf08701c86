import * as tf from '@tensorflow/tfjs';
import {
  invalidOption,
  rejectFactory,
  requireArray,
  requireBoolean,
  requireFunction,
  requireInRange,
  requireInteger,
  requireOptions,
  requireString,
  requireTensor,
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
import { formatNumber, GradientAlarmError, type Detector, type DetectorContext, type DetectorEvent } from './detector.js';
import { deadUnits } from './dead-units.js';
import { explodingGradients } from './exploding-gradients.js';
import { AMPLIFYING, initialLayerWeights, largestAmplification, type InitialLayerWeights } from './initial-weights.js';
import { groupByLayer, type LayerGroup } from './layer-groups.js';
import { LayerHistograms } from './layer-histograms.js';
import { sumByLayer } from './layer-sums.js';
import { learningRate } from './learning-rate.js';
import { describeArchitecture, type ModelArchitecture } from './model-architecture.js';
import { historyLimits, MonitorHistory, type MonitorHistoryOptions } from './monitor-history.js';
import type { ActivationStats, LayerStats, MonitorRecord } from './monitor-record.js';
import { guardedLoss, nonFiniteValues } from './non-finite-values.js';
import { rankRemedies, type OptimizerSettings, type TrainingSetup } from './rank-remedies.js';
import { remedyText } from './remedy.js';
import { saturation } from './saturation.js';
import { validateSink, type MonitorSink } from './sink.js';
import { summarize, type MonitorSummary } from './summary.js';
import { syntheticBatch, traceNonFinite } from './trace-non-finite.js';
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
   * nonFiniteValues(), learningRate(), and with a probe saturation() and deadUnits() — all with action 'warn'.
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
  /**
   * Histograms of every layer's gradients and weights on measured steps (`LayerStats.gradientHistogram`,
   * `weightHistogram`): `true` for 30 buckets, or `{ buckets, every }` — histograms only on steps
   * whose index is a multiple of `every` (a multiple of the monitor's `every`; like Keras's
   * `histogram_freq`: they pass over every weight and gradient, several times the cost of the norms).
   * Computed on the device in a fixed number of kernels; only the bucket counts are read back, with
   * the step's other values. Default: on (30 buckets, every measured step) when a sink asks for
   * them (`tensorBoardSink` does), else off.
   */
  histograms?: boolean | HistogramOptions;
}

/** `MonitorOptions.histograms` in full. */
export interface HistogramOptions {
  /** Buckets per histogram, spread evenly between the tensor's min and max. Default 30. */
  buckets?: number;
  /** Histograms on steps whose index is a multiple of this (a multiple of the monitor's `every`). Default: the monitor's `every`. */
  every?: number;
}

/** Buckets per histogram when `histograms` is `true` (TensorBoard's `tf.summary.histogram` default). */
const DEFAULT_HISTOGRAM_BUCKETS = 30;

const OPTIONS = [
  'every', 'perParameter', 'updateRatios', 'probe', 'probeEvery', 'saturationLevel', 'detectors', 'sinks', 'history', 'onEvent', 'name',
  'histograms',
] as const;

/** Names of the values the monitor records (under `"<name>/…"`). */
const RECORDS = {
  gradientNorm: 'gradientNorm',
  layerGradientNorms: 'layerGradientNorms',
  layerIncomingGradientNorms: 'layerIncomingGradientNorms',
  initialParameterNorms: 'initialParameterNorms',
  probeInputFinite: 'probeInputFinite',
  probeInputScale: 'probeInputScale',
  parameterGradientNorms: 'parameterGradientNorms',
  layerWeightNorms: 'layerWeightNorms',
  layerUpdateRatios: 'layerUpdateRatios',
  activationMean: 'activationMean',
  activationStd: 'activationStd',
  saturatedFraction: 'saturatedFraction',
  deadFraction: 'deadFraction',
  histograms: 'histograms',
} as const;

function asArray(value: RecordedValue | undefined, length: number): number[] {
  if (value === undefined) return new Array<number>(length).fill(Number.NaN);
  return typeof value === 'number' ? [value] : value;
}

function defaultOnEvent(event: DetectorEvent): void {
  console.warn(`[monitor] ${event.message}\n  try: ${event.remedies.join('; ')}`);
}

/** The wrapped optimizer's class and settings (learning rate, ε, momentum), read from its config. */
function optimizerSettings(optimizer: tf.Optimizer | undefined): OptimizerSettings | undefined {
  if (!optimizer) return undefined;
  let config: Record<string, unknown> = {};
  try {
    config = optimizer.getConfig() as Record<string, unknown>;
  } catch {
    // a custom optimizer without getConfig: the class name is all we know
  }
  const number = (key: string) => (typeof config[key] === 'number' ? { [key]: config[key] as number } : {});
  return { className: optimizer.getClassName(), ...number('learningRate'), ...number('epsilon'), ...number('momentum') };
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
  /** Buckets per histogram (0: no histograms). */
  private readonly histogramBuckets: number;
  /** Histograms on measured steps whose index is a multiple of this. */
  private readonly histogramEvery: number;
  private histograms?: LayerHistograms;
  private histogramGradients?: tf.Tensor[];
  private model?: tf.LayersModel;
  private optimizer?: OptimizerSettings;
  private architectureFor?: readonly ParamInfo[];
  private modelArchitecture?: ModelArchitecture;
  private initialNormsRecorded = false;
  private initial?: Map<string, InitialLayerWeights>;
  /** The step whose record carries the initial weights (the first measured step). */
  private initialStep?: number;

  constructor(options: MonitorOptions = {}) {
    const where = 'monitor';
    const opts = requireOptions<MonitorOptions>(where, options, OPTIONS);
    this.name = requireString(where, 'name', opts.name ?? 'monitor');
    this.every = requireInteger(where, 'every', opts.every ?? 1);
    this.probeEvery = requireInteger(where, 'probeEvery', opts.probeEvery ?? this.every);
    this.perParameter = requireBoolean(where, 'perParameter', opts.perParameter ?? false);
    this.updateRatios = requireBoolean(where, 'updateRatios', opts.updateRatios ?? true);
    this.saturationLevel = requireInRange(where, 'saturationLevel', opts.saturationLevel ?? 0.05, 0, 1, { lowOpen: true, highOpen: true });
    if (opts.probe !== undefined) this.probe = requireTensor(where, 'probe', opts.probe);
    if (opts.detectors !== undefined) requireArray(where, 'detectors', opts.detectors);
    this.detectors = (opts.detectors ?? [
      vanishingGradients(),
      explodingGradients(),
      nonFiniteValues(),
      learningRate(),
      ...(this.probe ? [saturation(), deadUnits()] : []),
    ]).map((detector, position) => {
      rejectFactory(where, `detectors[${position}]`, detector);
      if (detector == null || typeof (detector as Detector).check !== 'function' || typeof (detector as Detector).name !== 'string') {
        invalidOption(where, `detectors[${position}]`, 'a detector (an object with a name and check(record)) such as vanishingGradients()', detector);
      }
      return detector;
    });
    if (opts.sinks !== undefined) requireArray(where, 'sinks', opts.sinks);
    this.sinks = (opts.sinks ?? []).map((sink, position) => {
      rejectFactory(where, `sinks[${position}]`, sink);
      return validateSink(where, sink, position);
    });
    this.onEvent = opts.onEvent === undefined ? defaultOnEvent : requireFunction(where, 'onEvent', opts.onEvent);
    historyLimits(where, opts.history, 'history');
    this.history = new MonitorHistory(opts.history);
    ({ buckets: this.histogramBuckets, every: this.histogramEvery } = histogramOptions(where, opts.histograms, this.sinks, this.every));
  }

  /** Every detector event so far. */
  get events(): readonly DetectorEvent[] {
    return this.history.events;
  }

  /** End-of-run diagnosis from the history and the model's configuration (see `summarize`). */
  summary(): MonitorSummary {
    return summarize(this.history, this.trainingSetup());
  }

  /**
   * The model as the detectors see it (layer kinds, residual branches, gates, normalization),
   * once the first step ran; undefined before.
   */
  get architecture(): ModelArchitecture | undefined {
    return this.modelArchitecture;
  }

  /** Each layer's weights at the first measured step (kernel gain, zero-initialised), once reported. */
  get initialWeights(): ReadonlyMap<string, InitialLayerWeights> | undefined {
    return this.initial;
  }

  /** What the monitor knows about the run, for ranking remedies (see `rankRemedies`). */
  trainingSetup(): TrainingSetup {
    const records = this.history.records;
    const lossNames = compiledLossNames(this.model);
    const plugins = new Set<string>();
    for (const record of records.slice(-1)) {
      for (const key of Object.keys(record.extras)) plugins.add(key.slice(0, key.indexOf('/')));
    }
    return {
      ...(this.modelArchitecture ? { architecture: this.modelArchitecture } : {}),
      ...(this.initial ? { initialWeights: this.initial } : {}),
      ...(this.optimizer ? { optimizer: this.optimizer } : {}),
      plugins: [...plugins],
      records,
      ...(lossNames ? { lossNames } : {}),
    };
  }

  /**
   * Groups the parameters by layer, reads the model's architecture and the optimizer's settings,
   * and, with a `probe`, builds the activation probe on `ctx.model`.
   */
  setup(ctx: SetupContext): void {
    this.layerGroups(ctx.params);
    this.model = ctx.model;
    this.optimizer = optimizerSettings(ctx.optimizer);
    this.describe(ctx.params);
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
   * device (and the raw gradients' norms when a plugin before the monitor changed them), from core's
   * shared per-parameter Σg² (`ctx.reductions`: computed once per step for every plugin, derived
   * without a pass for gradients another plugin scaled), keeps the weights from before the update
   * for the update ratio, and on probe steps measures the probe's activations with the weights that
   * produced this step's loss. On the first measured step it also records every parameter's norm
   * (the initial weight scale). Leaves the gradients unchanged.
   */
  transformGradients(grads: GradientMap, ctx: StepContext): void {
    this.weightsBefore = undefined;
    this.releaseHistogramGradients();
    if (!this.measuring(ctx)) return;
    const groups = this.layerGroups(ctx.params);
    const { reductions } = ctx;
    const parameterSquares = reductions.squaredNorms(grads);
    const layerSquares = sumByLayer(groups, parameterSquares);
    ctx.record(RECORDS.layerGradientNorms, tf.sqrt(layerSquares));
    ctx.record(RECORDS.gradientNorm, tf.sqrt(tf.sum(layerSquares)));
    // The same tensors give the same (memoized) result: a different one means a plugin before the
    // monitor changed the gradients.
    const incomingSquares = reductions.squaredNorms(ctx.incomingGradients);
    if (incomingSquares !== parameterSquares) {
      ctx.record(RECORDS.layerIncomingGradientNorms, tf.sqrt(sumByLayer(groups, incomingSquares)));
    }
    if (this.perParameter) ctx.record(RECORDS.parameterGradientNorms, tf.sqrt(parameterSquares));
    if (!this.initialNormsRecorded) {
      this.initialNormsRecorded = true;
      ctx.record(RECORDS.initialParameterNorms, tf.sqrt(reductions.squaredNorms(reductions.weights())));
    }
    if (this.activationProbe && ctx.step % this.probeEvery === 0) {
      const stats = this.activationProbe.measure();
      ctx.record(RECORDS.activationMean, stats.mean);
      ctx.record(RECORDS.activationStd, stats.std);
      if (stats.saturatedFraction) ctx.record(RECORDS.saturatedFraction, stats.saturatedFraction);
      if (stats.deadFraction) ctx.record(RECORDS.deadFraction, stats.deadFraction);
      ctx.record(RECORDS.probeInputFinite, this.activationProbe.inputFinite());
      ctx.record(RECORDS.probeInputScale, this.activationProbe.inputScale());
    }
    if (this.histogramBuckets > 0 && ctx.step % this.histogramEvery === 0) {
      // Reshapes share the gradients' data: kept (past core's tidy) until afterUpdate measures them.
      this.histogramGradients = groups.flatMap((group) =>
        group.params.map((param) => tf.keep(param.name in grads ? tf.reshape(grads[param.name]!, [-1]) : tf.zeros([tf.util.sizeFromShape([...param.shape])]))),
      );
    }
    // Core keeps this map (values before the update, no copy) until the end of the step.
    if (this.updateRatios) this.weightsBefore = reductions.weights();
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
    if (this.histogramGradients) {
      const ordered = groups.flatMap((group) => group.params.map((param) => weights[param.name] ?? ctx.variables.get(param.name)!));
      ctx.record(RECORDS.histograms, this.layerHistograms(groups).measure(this.histogramGradients, ordered));
      this.releaseHistogramGradients();
    }
  }

  /**
   * Turns the read-back values into a `MonitorRecord`, writes it and the loss to the history and
   * sinks, runs the detectors with the architecture, traces a non-finite forward pass the record
   * cannot explain (outside the step), ranks each event's remedies for this model and optimizer,
   * and applies the events' actions (warn, stop training, or throw `GradientAlarmError`).
   */
  async onReport(report: StepReport, view: PluginReportView): Promise<void> {
    if (report.loss !== undefined) {
      const point = { step: report.step, loss: report.loss };
      this.history.writeLoss(point);
      for (const sink of this.sinks) await sink.writeLoss?.(point);
    }
    if (!(RECORDS.layerGradientNorms in view.own)) return;
    this.describe(report.params);
    const initialNorms = view.own[RECORDS.initialParameterNorms];
    if (initialNorms !== undefined) {
      this.initial = initialLayerWeights(report.params, asArray(initialNorms, report.params.length));
      this.initialStep = report.step;
    }
    const record = this.buildRecord(report, view);
    this.history.write(record);
    for (const sink of this.sinks) await sink.write?.(record);
    const lossNames = compiledLossNames(this.model);
    const context: DetectorContext = {
      history: this.history.records,
      ...(this.modelArchitecture ? { architecture: this.modelArchitecture } : {}),
      ...(this.initial ? { initialWeights: this.initial } : {}),
      ...(lossNames ? { lossNames } : {}),
    };
    const found = this.detectors.flatMap((detector) => detector.check(record, context));
    const events: DetectorEvent[] = [];
    for (const event of found) events.push(this.withRemedies(await this.traced(event, record)));
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

  /** Frees the gradients kept between `transformGradients` and `afterUpdate` for histograms and drops the probe. Sinks stay open: see `close()`. */
  dispose(): void {
    this.weightsBefore = undefined;
    this.releaseHistogramGradients();
    this.histograms?.dispose();
    this.histograms = undefined;
    // The probe model shares the trained model's weights: it is dropped, not disposed.
    this.activationProbe = undefined;
  }

  /**
   * A non-finite event whose record could not say where the forward pass broke (no probe) is traced
   * on a synthetic N(0, 1) batch, after the step, when the weights are still finite.
   */
  private async traced(event: DetectorEvent, record: MonitorRecord): Promise<DetectorEvent> {
    if (event.verdict !== 'non-finite' || event.source !== undefined || !this.model) return event;
    if (!record.layers.every((layer) => Number.isFinite(layer.weightNorm))) {
      const fromData = this.firstStepData(record);
      if (fromData) return { ...event, source: 'data', message: `${event.message} ${fromData}` };
      return { ...event, message: `${event.message} The weights are non-finite now, so the forward pass cannot be traced: pass a probe batch, or nonFinite({ policy: 'skip' }) to keep them finite.` };
    }
    const batch = syntheticBatch(this.model);
    if (!batch) return event;
    try {
      const trace = await traceNonFinite(this.model, this.groups, batch);
      const layer = trace.layer ? record.layers.find((candidate) => candidate.name === trace.layer) : undefined;
      if (layer) {
        return {
          ...event,
          source: 'forward',
          layer: layer.name,
          depth: layer.depth,
          message: `${event.message} Traced on a synthetic N(0, 1) batch: the forward pass first overflows at ${layer.name} (depth ${layer.depth}).`,
        };
      }
      const wasm = tf.getBackend() === 'wasm' ? " (on wasm, ReLU can turn a NaN into 0 in this pass, so a probe batch is the surer test)" : '';
      const lossNames = compiledLossNames(this.model);
      if (trace.inputFinite && guardedLoss(lossNames) && !Number.isFinite(record.loss ?? 0)) {
        return {
          ...event,
          source: 'data',
          message:
            `${event.message} The forward pass of a synthetic N(0, 1) batch is finite${wasm} and the compiled loss (${lossNames!.join(', ')}) ` +
            'is finite for finite outputs and targets: the failing batch\'s inputs or targets contain NaN/Inf.',
        };
      }
      return {
        ...event,
        message: `${event.message} The forward pass of a synthetic N(0, 1) batch is finite${wasm}: look at the failing batch's data and at the loss (pass a probe batch to tell them apart).`,
      };
    } finally {
      batch.dispose();
    }
  }

  /**
   * A NaN/Inf loss at the first measured step, computed with the initial weights — all finite, none
   * amplifying the signal (a < 2) — under a compiled loss that is finite for finite outputs and
   * targets, can only come from the batch: its inputs or targets hold NaN/Inf (or values so large
   * that a non-amplifying net overflows on them). Returns the explanation, or undefined when the
   * evidence does not say so (then the update already wrote the NaN into the weights and nothing
   * is left to trace).
   */
  private firstStepData(record: MonitorRecord): string | undefined {
    const lossNames = compiledLossNames(this.model);
    if (record.step !== this.initialStep || !this.initial || !this.modelArchitecture) return undefined;
    if (Number.isFinite(record.loss ?? 0) || !guardedLoss(lossNames)) return undefined;
    if (![...this.initial.values()].every((weights) => Number.isFinite(weights.norm))) return undefined;
    const largest = largestAmplification(this.modelArchitecture, this.initial);
    if (!(largest < AMPLIFYING)) return undefined;
    return (
      `The loss was ${record.loss} at the first step, computed with the initial weights — all finite, none amplifying the signal ` +
      `(largest a = ${formatNumber(largest)}) — and the compiled loss (${lossNames!.join(', ')}) is finite for finite outputs and targets: ` +
      'the batch\'s inputs or targets contain NaN/Inf (the update has since made the weights non-finite; pass a probe batch to check the inputs).'
    );
  }

  /** Replaces an event's generic remedies with ones ranked for this model and optimizer (when known). */
  private withRemedies(event: DetectorEvent): DetectorEvent {
    if (!event.verdict || !this.modelArchitecture) return event;
    const fixes = rankRemedies(event, this.trainingSetup());
    return fixes.length > 0 ? { ...event, fixes, remedies: fixes.map(remedyText) } : event;
  }

  private describe(params: readonly ParamInfo[]): void {
    if (this.architectureFor === params) return;
    this.architectureFor = params;
    this.modelArchitecture = describeArchitecture(params, this.model);
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

  private layerHistograms(groups: LayerGroup[]): LayerHistograms {
    if (this.histograms?.groups !== groups) {
      this.histograms?.dispose();
      const sizes = groups.flatMap((group) => group.params.map((param) => tf.util.sizeFromShape([...param.shape])));
      this.histograms = new LayerHistograms(groups, sizes, this.histogramBuckets);
    }
    return this.histograms;
  }

  private releaseHistogramGradients(): void {
    if (this.histogramGradients) tf.dispose(this.histogramGradients);
    this.histogramGradients = undefined;
  }

  private buildRecord(report: StepReport, { key, own }: PluginReportView): MonitorRecord {
    const groups = groupByLayer(report.params);
    const count = groups.length;
    const gradientNorms = asArray(own[RECORDS.layerGradientNorms], count);
    const weightNorms = asArray(own[RECORDS.layerWeightNorms], count);
    const updateRatios = asArray(own[RECORDS.layerUpdateRatios], count);
    const incomingNorms = own[RECORDS.layerIncomingGradientNorms] === undefined ? undefined : asArray(own[RECORDS.layerIncomingGradientNorms], count);
    const parameterNorms = own[RECORDS.parameterGradientNorms] as number[] | undefined;
    const activationsByLayer = this.activationsByLayer(own);
    const packedHistograms = own[RECORDS.histograms];
    const histograms =
      Array.isArray(packedHistograms) && this.histograms?.groups.length === count
        ? this.histograms.decode(packedHistograms, gradientNorms, weightNorms)
        : undefined;
    const layers = groups.map((group, i): LayerStats => {
      const activations = activationsByLayer.get(group.name);
      return {
        name: group.name,
        depth: group.depth,
        ...(group.layerClass ? { layerClass: group.layerClass } : {}),
        ...(group.activation ? { activation: group.activation } : {}),
        gradientNorm: gradientNorms[i]!,
        ...(incomingNorms ? { incomingGradientNorm: incomingNorms[i]! } : {}),
        weightNorm: weightNorms[i]!,
        updateRatio: updateRatios[i]!,
        ...(parameterNorms
          ? { parameterGradientNorms: Object.fromEntries(group.params.map((param) => [param.name, parameterNorms[param.index]!])) }
          : {}),
        ...(activations ? { activations } : {}),
        ...(histograms?.gradients[i] ? { gradientHistogram: histograms.gradients[i] } : {}),
        ...(histograms?.weights[i] ? { weightHistogram: histograms.weights[i] } : {}),
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
      ...(RECORDS.probeInputFinite in own ? { probeInputFinite: own[RECORDS.probeInputFinite] === 1 } : {}),
      ...(typeof own[RECORDS.probeInputScale] === 'number' ? { probeInputScale: own[RECORDS.probeInputScale] as number } : {}),
    };
  }
}

/**
 * The loss names a compiled model was given (`compile({ loss: 'meanSquaredError' })`, a list or a
 * map per output); undefined when it is not compiled or any loss is a function.
 */
function compiledLossNames(model: tf.LayersModel | undefined): string[] | undefined {
  const loss = (model as { loss?: unknown } | undefined)?.loss;
  if (loss === undefined || loss === null) return undefined;
  const values = typeof loss === 'string' ? [loss] : Array.isArray(loss) ? loss : typeof loss === 'object' ? Object.values(loss) : [loss];
  return values.length > 0 && values.every((value) => typeof value === 'string') ? (values as string[]) : undefined;
}

function histogramOptions(
  where: string,
  option: MonitorOptions['histograms'],
  sinks: readonly MonitorSink[],
  every: number,
): { buckets: number; every: number } {
  const on = option === undefined ? sinks.some((sink) => sink.histograms === true) : option;
  if (typeof on === 'boolean') return { buckets: on ? DEFAULT_HISTOGRAM_BUCKETS : 0, every };
  const checked = requireOptions<{ buckets: number; every: number }>(where, on, ['buckets', 'every'], 'histograms');
  const histogramEvery = requireInteger(where, 'histograms.every', checked.every ?? every);
  if (histogramEvery % every !== 0) invalidOption(where, 'histograms.every', `a multiple of every (${every})`, histogramEvery);
  return { buckets: requireInteger(where, 'histograms.buckets', checked.buckets ?? DEFAULT_HISTOGRAM_BUCKETS), every: histogramEvery };
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
