import { invalidOption, requireArray } from '@gs/core';
import type { MonitorHistory } from './monitor-history.js';
import { requireRecords, type LayerStats, type LossPoint, type MonitorRecord } from './monitor-record.js';

/** What chart builders accept: a monitor's history, or records (and loss points) directly. */
export type ChartSource =
  | MonitorHistory
  | {
      /** Monitor records, in step order. */
      records: readonly MonitorRecord[];
      /** Loss points for the loss chart; default: the losses stored in the records. */
      losses?: readonly LossPoint[];
    };

/** A per-layer number charts can plot. */
export type LayerMetric = 'gradientNorm' | 'weightNorm' | 'updateRatio';

/** The per-layer metrics charts accept. */
export const LAYER_METRICS: readonly LayerMetric[] = ['gradientNorm', 'weightNorm', 'updateRatio'];

/** One heat-map cell / bar: a layer at a step. `log10` is null when the value is 0, negative or not finite. */
export interface LayerPoint {
  /** The record's step. */
  step: number;
  /** The layer's depth index, 0 nearest the input. */
  depth: number;
  /** The layer's name. */
  layer: string;
  /** The metric's value; null when it is not finite. */
  value: number | null;
  /** log10 of the value; null when the value is 0, negative or not finite. */
  log10: number | null;
}

/** log10 of a positive finite number, else null (charts leave such cells out). */
export function log10OrNull(value: number): number | null {
  return Number.isFinite(value) && value > 0 ? Math.log10(value) : null;
}

/** Flattens records into one point per layer per step, for heat-maps and bars. */
export function layerPoints(records: readonly MonitorRecord[], metric: LayerMetric): LayerPoint[] {
  return records.flatMap((record) =>
    record.layers.map((layer: LayerStats, position) => {
      const value = layer[metric];
      return {
        step: record.step,
        depth: layer.depth >= 0 ? layer.depth : position,
        layer: layer.name,
        value: Number.isFinite(value) ? value : null,
        log10: log10OrNull(value),
      };
    }),
  );
}

/** The loss points of a source: its `losses`, or the records' losses when it has none. */
export function lossPoints(source: ChartSource): LossPoint[] {
  const losses = source.losses ?? [];
  const points = losses.length > 0 ? losses : source.records.flatMap((record) => (record.loss === undefined ? [] : [{ step: record.step, loss: record.loss }]));
  return points.filter((point) => Number.isFinite(point.loss));
}

/** A chart source: a `MonitorHistory` or `{ records, losses? }` (checked so chart builders fail clearly). */
export function requireChartSource(where: string, source: unknown): ChartSource {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) {
    invalidOption(where, 'source', 'a MonitorHistory (monitor.history) or { records, losses? }', source);
  }
  const { records, losses } = source as { records?: unknown; losses?: unknown };
  requireRecords(where, 'source.records', records);
  if (losses !== undefined) {
    requireArray(where, 'source.losses', losses, (point, label) => {
      const ok = point !== null && typeof point === 'object' && typeof (point as LossPoint).step === 'number' && typeof (point as LossPoint).loss === 'number';
      return ok ? (point as LossPoint) : invalidOption(where, label, 'a loss point { step, loss }', point);
    });
  }
  return source as ChartSource;
}
