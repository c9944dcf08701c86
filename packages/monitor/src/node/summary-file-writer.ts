import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { invalidOption, requireInteger, requireNonNegative, requireOptions, requireString } from '@gs/core';
import type { Histogram } from '../monitor-record.js';
import { encodeEvent, type SummaryValue } from './tensorboard-event.js';
import { tfRecord } from './tfrecord.js';

/** Options for `summaryFileWriter`. */
export interface SummaryFileWriterOptions {
  /** Write queued events to the file once this many are queued. Default 10 (as TensorFlow's writer). */
  maxQueue?: number;
  /** Also write them at the first event that comes this many milliseconds after the last write. Default 5000. */
  flushMillis?: number;
  /** Appended to the event file's name. Default ''. */
  filenameSuffix?: string;
}

/** Event files made by this process so far (the last part of the file name, as TensorBoard's writer does). */
let filesMade = 0;

/** The version string every event file starts with. */
const FILE_VERSION = 'brain.Event:2';

/** Checks a summary writer's directory and options (`where`: the function they were given to). */
export function summaryWriterSettings(
  where: string,
  runDirectory: unknown,
  options: unknown,
): { maxQueue: number; flushMillis: number; suffix: string } {
  requireString(where, 'runDirectory', runDirectory);
  const checked = requireOptions<SummaryFileWriterOptions>(where, options, ['maxQueue', 'flushMillis', 'filenameSuffix']);
  const suffix = checked.filenameSuffix ?? '';
  if (typeof suffix !== 'string' || /[/\\]/.test(suffix)) invalidOption(where, 'filenameSuffix', 'a string without path separators', suffix);
  return {
    maxQueue: requireInteger(where, 'maxQueue', checked.maxQueue ?? 10),
    flushMillis: requireNonNegative(where, 'flushMillis', checked.flushMillis ?? 5000),
    suffix,
  };
}

/**
 * Writes one TensorBoard event file (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`) in a run
 * directory: a `brain.Event:2` header, then one `Event` per call, TFRecord-framed with masked
 * CRC-32C. Pure TypeScript (protobufjs + crc-32), no native TensorFlow. Node only.
 *
 * Flush and close: events are queued in memory and reach the file (one synchronous write) when
 * `maxQueue` are queued, at the first event `flushMillis` after the last write, on `flush()`, and on
 * `close()`. After `flush()` returns, everything written so far is in the file, so a running
 * TensorBoard shows it on its next reload. Events queued when the process exits without `close()`
 * are lost. Writing after `close()` throws.
 *
 * @example
 * const writer = summaryFileWriter('runs/adam-lr1e-3');
 * writer.scalar('loss', 0.25, 0);
 * writer.close(); // then: tensorboard --logdir runs
 */
export class SummaryFileWriter {
  /** The event file's path. */
  readonly path: string;
  private readonly maxQueue: number;
  private readonly flushMillis: number;
  private readonly queue: Uint8Array[] = [];
  private lastFlush = Date.now();
  private descriptor: number | undefined;

  constructor(runDirectory: string, options: SummaryFileWriterOptions = {}) {
    const { maxQueue, flushMillis, suffix } = summaryWriterSettings('summaryFileWriter', runDirectory, options);
    this.maxQueue = maxQueue;
    this.flushMillis = flushMillis;
    mkdirSync(runDirectory, { recursive: true });
    const seconds = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    this.path = join(runDirectory, `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${filesMade++}${suffix}`);
    this.descriptor = openSync(this.path, 'wx');
    this.queue.push(tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: FILE_VERSION })));
    this.flush();
  }

  /** Writes a scalar (`simple_value`, float32) under `tag` at `step`. NaN and ±Infinity are written as they are. */
  scalar(tag: string, value: number, step: number): void {
    if (typeof value !== 'number') invalidOption('SummaryFileWriter.scalar', 'value', 'a number', value);
    this.write(step, [{ tag, scalar: value }]);
  }

  /** Writes a histogram (`HistogramProto`) under `tag` at `step`. */
  histogram(tag: string, histogram: Histogram, step: number): void {
    this.write(step, [{ tag, histogram }]);
  }

  /** Writes a text summary (shown by TensorBoard's Text tab, Markdown rendered) under `tag` at `step`. */
  text(tag: string, text: string, step: number): void {
    if (typeof text !== 'string') invalidOption('SummaryFileWriter.text', 'text', 'a string', text);
    this.write(step, [{ tag, text }]);
  }

  /** Writes several summary values as one event at `step` (what the TensorBoard sink does per record). */
  write(step: number, values: readonly SummaryValue[]): void {
    const where = 'SummaryFileWriter.write';
    if (this.descriptor === undefined) throw new Error(`${where}: the writer of ${this.path} is closed`);
    requireInteger(where, 'step', step, 0);
    if (!Array.isArray(values)) invalidOption(where, 'values', 'an array of summary values', values);
    values.forEach((value, position) => checkValue(where, value, position));
    if (values.length === 0) return;
    this.queue.push(tfRecord(encodeEvent({ wallTime: Date.now() / 1000, step, values })));
    if (this.queue.length >= this.maxQueue || Date.now() - this.lastFlush >= this.flushMillis) this.flush();
  }

  /** Writes every queued event to the file (one synchronous write). A no-op after `close()`. */
  flush(): void {
    this.lastFlush = Date.now();
    if (this.descriptor === undefined || this.queue.length === 0) return;
    const bytes = Buffer.concat(this.queue);
    this.queue.length = 0;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.descriptor, bytes, written);
  }

  /** Flushes and closes the file. Calling it again does nothing. */
  close(): void {
    if (this.descriptor === undefined) return;
    this.flush();
    closeSync(this.descriptor);
    this.descriptor = undefined;
  }
}

function checkValue(where: string, value: unknown, position: number): void {
  const option = `values[${position}]`;
  if (value == null || typeof value !== 'object') invalidOption(where, option, 'a summary value such as {tag, scalar}', value);
  const { tag } = value as { tag?: unknown };
  requireString(where, `${option}.tag`, tag);
  if ('histogram' in value) {
    const { bucketLimits, bucketCounts } = (value as { histogram: Partial<Histogram> }).histogram ?? {};
    if (!Array.isArray(bucketLimits) || !Array.isArray(bucketCounts) || bucketLimits.length !== bucketCounts.length) {
      invalidOption(where, `${option}.histogram`, 'a Histogram with bucketLimits and bucketCounts of equal length', (value as { histogram: unknown }).histogram);
    }
  } else if (!('scalar' in value) && !('text' in value)) {
    invalidOption(where, option, 'a summary value with scalar, histogram or text', value);
  }
}

/**
 * Opens a TensorBoard event file in `runDirectory` (created if missing) and returns its writer:
 * `scalar`, `histogram`, `text`, `flush`, `close` — like tfjs-node's `tf.node.summaryFileWriter`,
 * without the native binding. Each directory under `tensorboard --logdir` is one run. Node only.
 *
 * Defaults: maxQueue 10, flushMillis 5000, no file-name suffix.
 * Source: the event file format of TensorBoard (`summary/writer/event_file_writer.py`,
 * `record_writer.py`, `compat/proto/event.proto`, `summary.proto`).
 *
 * @example
 * const writer = summaryFileWriter('runs/my-run');
 * for (let step = 0; step < 100; step++) writer.scalar('loss', await trainStep(), step);
 * writer.close();
 */
export function summaryFileWriter(runDirectory: string, options: SummaryFileWriterOptions = {}): SummaryFileWriter {
  return new SummaryFileWriter(runDirectory, options);
}
