import { invalidOption, requireArray, requireString } from '@gs/core';
import type { DetectorEvent } from './detector.js';
import { requireRecord, requireRecords, type LossPoint, type MonitorRecord } from './monitor-record.js';

/** One line of the JSON Lines output: a record, a loss point or an event, tagged by `type`. */
export type JsonLinesEntry =
  | ({
      /** Tags a `MonitorRecord` line. */
      type: 'record';
    } & MonitorRecord)
  | ({
      /** Tags a `LossPoint` line. */
      type: 'loss';
    } & LossPoint)
  | ({
      /** Tags a `DetectorEvent` line. */
      type: 'event';
    } & DetectorEvent);

/** JSON has no NaN/Infinity: they are written as the strings "NaN", "Infinity", "-Infinity". */
function replaceNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/**
 * Serializes one entry as a JSON line (no trailing newline); NaN/±Infinity become strings so a
 * non-finite norm stays visible (plain `JSON.stringify` would write null).
 *
 * @example
 * toJsonLine({ type: 'loss', step: 3, loss: 0.25 }); // '{"type":"loss","step":3,"loss":0.25}'
 */
export function toJsonLine(entry: JsonLinesEntry): string {
  const type = (entry as { type?: unknown } | null)?.type;
  if (entry === null || typeof entry !== 'object' || !['record', 'loss', 'event'].includes(type as string)) {
    invalidOption('toJsonLine', 'entry', "a tagged entry: { type: 'record' | 'loss' | 'event', … }", entry);
  }
  return JSON.stringify(entry, replaceNonFinite);
}

/** Reads a line written by `toJsonLine` back, restoring NaN/±Infinity. */
export function fromJsonLine(line: string): JsonLinesEntry {
  requireString('fromJsonLine', 'line', line);
  let entry: unknown;
  try {
    entry = JSON.parse(line, (_key, value: unknown) =>
      value === 'NaN' ? Number.NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value,
    );
  } catch {
    invalidOption('fromJsonLine', 'line', 'a JSON line written by toJsonLine', line);
  }
  const type = (entry as { type?: unknown } | null)?.type;
  if (entry === null || typeof entry !== 'object' || !['record', 'loss', 'event'].includes(type as string)) {
    invalidOption('fromJsonLine', 'line', "a JSON line written by toJsonLine (an object with type 'record', 'loss' or 'event')", line);
  }
  return entry as JsonLinesEntry;
}

/** The fixed CSV columns: one row per layer per record (long format). */
export const CSV_COLUMNS = [
  'step',
  'loss',
  'globalGradientNorm',
  'layer',
  'depth',
  'gradientNorm',
  'weightNorm',
  'updateRatio',
  'activationMean',
  'activationStd',
  'saturatedFraction',
  'deadFraction',
] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The scalar values other plugins recorded, in name order: extra CSV columns. */
export function scalarExtraNames(record: MonitorRecord): string[] {
  requireRecord('scalarExtraNames', 'record', record);
  return Object.keys(record.extras)
    .filter((name) => typeof record.extras[name] === 'number')
    .sort();
}

/** The CSV header line for `extras` extra columns. */
export function csvHeader(extras: readonly string[] = []): string {
  requireExtras('csvHeader', extras);
  return [...CSV_COLUMNS, ...extras].map(csvCell).join(',');
}

/**
 * One CSV line per layer of `record` (long format, columns `CSV_COLUMNS` then `extras`), so a
 * spreadsheet or pandas can pivot by layer and step. Missing values are empty cells; non-finite
 * numbers are written as NaN/Infinity.
 *
 * @example
 * const lines = [csvHeader(), ...records.flatMap((r) => csvRows(r))];
 */
export function csvRows(record: MonitorRecord, extras: readonly string[] = []): string[] {
  requireRecord('csvRows', 'record', record);
  requireExtras('csvRows', extras);
  return record.layers.map((layer) =>
    [
      record.step,
      record.loss,
      record.gradientNorm,
      layer.name,
      layer.depth,
      layer.gradientNorm,
      layer.weightNorm,
      layer.updateRatio,
      layer.activations?.mean,
      layer.activations?.std,
      layer.activations?.saturatedFraction,
      layer.activations?.deadFraction,
      ...extras.map((name) => record.extras[name]),
    ]
      .map(csvCell)
      .join(','),
  );
}

/** A whole history as CSV text (header and rows, newline-terminated). */
export function toCsv(records: readonly MonitorRecord[]): string {
  requireRecords('toCsv', 'records', records);
  const extras = records.length > 0 ? scalarExtraNames(records[0]!) : [];
  return [csvHeader(extras), ...records.flatMap((record) => csvRows(record, extras))].join('\n') + '\n';
}

function requireExtras(where: string, extras: unknown): string[] {
  return requireArray(where, 'extras', extras, (name, label) => requireString(where, label, name));
}
