import { invalidOption, requireArray, type RecordedValue } from '@gs/core';
import { requireObject } from './argument-checks.js';

/** Activation statistics of one layer's output on the probe batch. */
export interface ActivationStats {
  /** Mean of the layer's output over the probe batch. */
  readonly mean: number;
  /** Standard deviation (population, divide by n) of the layer's output. */
  readonly std: number;
  /**
   * Fraction of outputs in the flat part of a sigmoid/tanh: local derivative below
   * `saturationLevel` × its maximum (sigmoid: y(1−y)/0.25, tanh: 1−y²). Only for sigmoid/tanh layers.
   */
  readonly saturatedFraction?: number;
  /** Fraction of units (last axis) that output 0 for every probe example. Only for relu/relu6 layers. */
  readonly deadFraction?: number;
}

/**
 * A histogram of a layer's values (all its parameters together) at one step, computed on the device:
 * `bucketCounts.length` equal-width buckets from `min` to `max`; bucket i spans
 * (bucketLimits[i−1], bucketLimits[i]] (the first starts at `min`, the last limit is `max`).
 */
export interface Histogram {
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
  /** Number of values. */
  readonly count: number;
  /** Σx. */
  readonly sum: number;
  /** Σx² (the squared norm). */
  readonly sumSquares: number;
  /** Right edge of each bucket, ascending; the last is `max`. */
  readonly bucketLimits: readonly number[];
  /** Number of values in each bucket; they add up to `count`. */
  readonly bucketCounts: readonly number[];
}

/** One layer's numbers at one reported step. */
export interface LayerStats {
  /** The layer's name. */
  readonly name: string;
  /** Depth index, 0 nearest the input. */
  readonly depth: number;
  /** The layer's class, when known. */
  readonly layerClass?: string;
  /** The layer's activation, when known. */
  readonly activation?: string;
  /** L2 norm of all of the layer's gradients together: sqrt(Σ_params Σ g²), as the monitor received them. */
  readonly gradientNorm: number;
  /**
   * The same norm of the raw gradients, as the loss produced them (`ctx.incomingGradients`), when a
   * plugin before the monitor changed them (clipping, `nonFinite`); absent when they are the same.
   */
  readonly incomingGradientNorm?: number;
  /** L2 norm of all of the layer's weights after the update. */
  readonly weightNorm: number;
  /** ‖W_after − W_before‖ / ‖W_before‖ over the layer's weights (≈1e-3 is the usual healthy size). */
  readonly updateRatio: number;
  /** Gradient norm of each parameter, by variable name (with `perParameter: true`). */
  readonly parameterGradientNorms?: Readonly<Record<string, number>>;
  /** Statistics of the layer's output on the probe batch (probe steps only). */
  readonly activations?: ActivationStats;
  /** Histogram of the layer's gradients (with `histograms` on). */
  readonly gradientHistogram?: Histogram;
  /** Histogram of the layer's weights after the update (with `histograms` on). */
  readonly weightHistogram?: Histogram;
}

/** Everything the monitor read back at one reported step. */
export interface MonitorRecord {
  /** 0-based step index. */
  readonly step: number;
  /** The step's loss, when known. */
  readonly loss?: number;
  /** Global L2 gradient norm over every parameter. */
  readonly gradientNorm: number;
  /** One entry per layer with trainable parameters, input first. */
  readonly layers: readonly LayerStats[];
  /** Values other plugins recorded in the same step, keyed `"<plugin>/<name>"` (e.g. `clipByGlobalNorm/norm`). */
  readonly extras: Readonly<Record<string, RecordedValue>>;
  /** On probe steps: whether every value of the probe batch is finite (false: the data has NaN/Inf). */
  readonly probeInputFinite?: boolean;
  /** On probe steps: the probe batch's root mean square sqrt(mean(x²)), the scale of the inputs. */
  readonly probeInputScale?: number;
}

/** The gradient norm detectors judge: the raw one when a plugin before the monitor changed the gradients. */
export function rawGradientNorm(layer: LayerStats): number {
  requireObject('rawGradientNorm', 'layer', layer, 'a LayerStats (record.layers[i])', ['gradientNorm']);
  return layer.incomingGradientNorm ?? layer.gradientNorm;
}

/** The loss at one step (every step core reports, also between the monitor's own steps). */
export interface LossPoint {
  /** 0-based step index. */
  readonly step: number;
  /** The step's loss. */
  readonly loss: number;
}

/**
 * A `MonitorRecord` (as the monitor writes them): checks the fields that functions reading
 * records rely on, for public functions that take records from users.
 */
export function requireRecord(where: string, option: string, value: unknown): MonitorRecord {
  const record = value as Partial<MonitorRecord> | null;
  const ok =
    record !== null &&
    typeof record === 'object' &&
    typeof record.step === 'number' &&
    typeof record.gradientNorm === 'number' &&
    Array.isArray(record.layers) &&
    record.extras !== null &&
    typeof record.extras === 'object';
  if (!ok) invalidOption(where, option, 'a MonitorRecord (from monitor.history.records)', value);
  return value as MonitorRecord;
}

/** A list of `MonitorRecord`s. */
export function requireRecords(where: string, option: string, value: unknown): MonitorRecord[] {
  return requireArray(where, option, value, (item, label) => requireRecord(where, label, item));
}
