import cliProgress from 'cli-progress';
import { invalidOption, requireFunction, requireInteger, requireOptions } from '@gs/core';
import { formatNumber } from '../detector.js';
import type { DetectorEvent } from '../detector.js';
import { requireRecord, type LossPoint, type MonitorRecord } from '../monitor-record.js';
import type { MonitorSink } from '../sink.js';

/** Options for `consoleSink`. */
export interface ConsoleSinkOptions {
  /** Print the per-layer table every `every`-th record. Default 10. */
  every?: number;
  /** At most this many layer rows per table (first, last and evenly spaced ones between). Default 12. */
  maxRows?: number;
  /** Total steps of the run: enables the progress line with ETA. Default none (no progress line). */
  total?: number;
  /** Where tables and events go when no progress line is shown. Default `console.log`. */
  log?: (text: string) => void;
  /** The stream the progress line is drawn on. Default `process.stderr`. */
  stream?: NodeJS.WritableStream;
}

const OPTIONS = ['every', 'maxRows', 'total', 'log', 'stream'] as const;

function pickRows<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (rows.length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b).map((index) => rows[index]!);
}

/**
 * Formats a record as a compact text table: a header line (step, loss, global norm, other
 * plugins' scalars) and one row per layer (depth, name, ‖∇W‖, ‖W‖, ‖ΔW‖/‖W‖, activation std,
 * saturated %, dead %), at most `maxRows` rows.
 *
 * @example
 * console.log(formatRecordTable(watcher.history.latest!));
 */
export function formatRecordTable(record: MonitorRecord, maxRows = 12): string {
  requireRecord('formatRecordTable', 'record', record);
  requireInteger('formatRecordTable', 'maxRows', maxRows);
  const extras = Object.entries(record.extras)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => `${name} ${formatNumber(value as number)}`);
  const header = [`step ${record.step}`, ...(record.loss !== undefined ? [`loss ${formatNumber(record.loss)}`] : []), `‖∇‖ ${formatNumber(record.gradientNorm)}`, ...extras].join('  ');
  const nameWidth = Math.min(28, Math.max(5, ...record.layers.map((layer) => layer.name.length)));
  const cell = (value: number | undefined, width = 10) => (value === undefined ? '' : formatNumber(value)).padStart(width);
  const percent = (value: number | undefined) => (value === undefined ? '' : `${(100 * value).toFixed(0)}%`).padStart(6);
  const lines = [
    header,
    `${'depth'.padStart(5)} ${'layer'.padEnd(nameWidth)} ${'‖∇W‖'.padStart(10)} ${'‖W‖'.padStart(10)} ${'‖ΔW‖/‖W‖'.padStart(10)} ${'act std'.padStart(10)} ${'sat'.padStart(6)} ${'dead'.padStart(6)}`,
    ...pickRows(record.layers, maxRows).map(
      (layer) =>
        `${String(layer.depth).padStart(5)} ${layer.name.slice(0, nameWidth).padEnd(nameWidth)} ${cell(layer.gradientNorm)} ${cell(layer.weightNorm)} ${cell(layer.updateRatio)} ${cell(layer.activations?.std)} ${percent(layer.activations?.saturatedFraction)} ${percent(layer.activations?.deadFraction)}`,
    ),
  ];
  if (record.layers.length > maxRows) lines.push(`      (${record.layers.length - maxRows} more layers not shown)`);
  return lines.join('\n');
}

/**
 * Prints a compact per-layer table every `every` records and every detector event, and, with
 * `total`, a progress line with the step, loss and ETA (cli-progress) that the tables print above.
 * Node only. Call `monitor.close()` at the end to stop the progress line.
 *
 * Defaults: every 10, maxRows 12, no progress line, `console.log`, progress on `process.stderr`.
 *
 * @example
 * const watcher = monitor({ every: 5, sinks: [consoleSink({ every: 20, total: epochs * batchesPerEpoch })] });
 */
export function consoleSink(options: ConsoleSinkOptions = {}): MonitorSink {
  const where = 'consoleSink';
  const opts = requireOptions<ConsoleSinkOptions>(where, options, OPTIONS);
  const every = requireInteger(where, 'every', opts.every ?? 10);
  const maxRows = requireInteger(where, 'maxRows', opts.maxRows ?? 12, 2);
  const total = opts.total === undefined ? undefined : requireInteger(where, 'total', opts.total);
  const log = opts.log === undefined ? (text: string) => console.log(text) : requireFunction<(text: string) => void>(where, 'log', opts.log);
  const isStream = (value: unknown) => value !== null && typeof value === 'object' && typeof (value as { write?: unknown }).write === 'function';
  if (opts.stream !== undefined && !isStream(opts.stream)) invalidOption(where, 'stream', 'a writable stream such as process.stderr', opts.stream);
  let bars: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  if (total !== undefined) {
    bars = new cliProgress.MultiBar(
      {
        stream: opts.stream ?? process.stderr,
        format: 'training |{bar}| {percentage}% | step {value}/{total} | loss {loss} | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar = bars.create(total, 0, { loss: '–' });
  }
  const print = (text: string) => (bars ? bars.log(`${text}\n`) : log(text));
  let records = 0;
  return {
    name: 'console',
    write(record: MonitorRecord) {
      if (records++ % every === 0) print(formatRecordTable(record, maxRows));
    },
    writeLoss(point: LossPoint) {
      bar?.update(Math.min(point.step + 1, total ?? Infinity), { loss: formatNumber(point.loss) });
    },
    writeEvent(event: DetectorEvent) {
      print(`⚠ ${event.message}\n  try: ${event.remedies.join('; ')}`);
    },
    close() {
      bars?.stop();
      bars = undefined;
      bar = undefined;
    },
  };
}
