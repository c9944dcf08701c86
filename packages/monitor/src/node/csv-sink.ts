import { requireString } from '@gs/core';
import type { MonitorRecord } from '../monitor-record.js';
import { csvHeader, csvRows, scalarExtraNames } from '../record-format.js';
import type { MonitorSink } from '../sink.js';
import { LineWriter } from './file-writer.js';

/**
 * Writes records to a CSV file in long format: one row per layer per reported step, columns
 * `CSV_COLUMNS` (step, loss, globalGradientNorm, layer, depth, gradientNorm, weightNorm,
 * updateRatio, activation mean/std, saturated and dead fractions) plus one column per scalar
 * another plugin recorded (taken from the first record). Node only; `monitor.close()` flushes.
 *
 * @example
 * const watcher = monitor({ every: 10, sinks: [csvSink('runs/layers.csv')] });
 */
export function csvSink(path: string): MonitorSink {
  requireString('csvSink', 'path', path);
  const writer = new LineWriter(path, false);
  let extras: string[] | undefined;
  return {
    name: 'csv',
    write(record: MonitorRecord) {
      if (!extras) {
        extras = scalarExtraNames(record);
        writer.write(csvHeader(extras));
      }
      for (const row of csvRows(record, extras)) writer.write(row);
    },
    close: () => writer.close(),
  };
}
