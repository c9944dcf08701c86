import { requireInteger, requireOptions } from '@gs/core';
import type { DetectorEvent } from './detector.js';
import type { LossPoint, MonitorRecord } from './monitor-record.js';
import type { MonitorSink } from './sink.js';

/** Options for `MonitorHistory`. */
export interface MonitorHistoryOptions {
  /** Keep at most this many full records (oldest dropped first). Default: keep all. */
  maxRecords?: number;
  /** Keep at most this many loss points. Default: keep all. */
  maxLosses?: number;
}

/**
 * The in-memory sink: every record, loss point and event, for tests, charts, `summary()` and
 * browser apps. Every monitor has one (`monitor.history`); add more as sinks if you like.
 *
 * Defaults: unbounded. Memory per record ≈ layers × 5 numbers.
 *
 * @example
 * const watcher = monitor();
 * // … train …
 * watcher.history.records.map((r) => r.layers[0]!.gradientNorm);
 */
export class MonitorHistory implements MonitorSink {
  readonly name = 'history';
  /** Full records, oldest first. */
  readonly records: MonitorRecord[] = [];
  /** Loss of every reported step, oldest first. */
  readonly losses: LossPoint[] = [];
  /** Detector events, oldest first. */
  readonly events: DetectorEvent[] = [];
  private readonly maxRecords: number;
  private readonly maxLosses: number;

  constructor(options: MonitorHistoryOptions = {}) {
    ({ maxRecords: this.maxRecords, maxLosses: this.maxLosses } = historyLimits('MonitorHistory', options));
  }

  write(record: MonitorRecord): void {
    this.records.push(record);
    if (this.records.length > this.maxRecords) this.records.shift();
  }

  writeLoss(point: LossPoint): void {
    this.losses.push(point);
    if (this.losses.length > this.maxLosses) this.losses.shift();
  }

  writeEvent(event: DetectorEvent): void {
    this.events.push(event);
  }

  /** The newest record, if any. */
  get latest(): MonitorRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Forgets everything. */
  clear(): void {
    this.records.length = 0;
    this.losses.length = 0;
    this.events.length = 0;
  }
}

/**
 * Checks `MonitorHistoryOptions` (`where`: the function they were given to; `argument`: their
 * name there, e.g. `history` in `monitor({ history })`).
 */
export function historyLimits(where: string, options: unknown, argument = 'options'): { maxRecords: number; maxLosses: number } {
  const prefix = argument === 'options' ? '' : `${argument}.`;
  const opts = requireOptions<MonitorHistoryOptions>(where, options, ['maxRecords', 'maxLosses'], argument);
  return {
    maxRecords: opts.maxRecords === undefined ? Infinity : requireInteger(where, `${prefix}maxRecords`, opts.maxRecords),
    maxLosses: opts.maxLosses === undefined ? Infinity : requireInteger(where, `${prefix}maxLosses`, opts.maxLosses),
  };
}
