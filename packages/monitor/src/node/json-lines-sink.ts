import { requireBoolean, requireOptions, requireString } from '@gs/core';
import type { DetectorEvent } from '../detector.js';
import type { LossPoint, MonitorRecord } from '../monitor-record.js';
import { toJsonLine } from '../record-format.js';
import type { MonitorSink } from '../sink.js';
import { LineWriter } from './file-writer.js';

/** Options for `jsonLinesSink`. */
export interface JsonLinesSinkOptions {
  /** Append to an existing file instead of replacing it. Default false. */
  append?: boolean;
  /** Also write a `{"type":"loss"}` line for every reported loss. Default true. */
  losses?: boolean;
}

/**
 * Writes every record, loss point and event to a JSON Lines file (one JSON object per line,
 * tagged `"type": "record" | "loss" | "event"`; NaN/Infinity as strings — read back with
 * `fromJsonLine`). Node only. Call `monitor.close()` at the end to flush the file.
 *
 * Defaults: replace the file, include losses.
 *
 * @example
 * const watcher = monitor({ sinks: [jsonLinesSink('runs/deep-sigmoid.jsonl')] });
 */
export function jsonLinesSink(path: string, options: JsonLinesSinkOptions = {}): MonitorSink {
  const where = 'jsonLinesSink';
  requireString(where, 'path', path);
  const opts = requireOptions<JsonLinesSinkOptions>(where, options, ['append', 'losses']);
  const append = requireBoolean(where, 'append', opts.append ?? false);
  const losses = requireBoolean(where, 'losses', opts.losses ?? true);
  const writer = new LineWriter(path, append);
  return {
    name: 'jsonLines',
    write: (record: MonitorRecord) => writer.write(toJsonLine({ type: 'record', ...record })),
    writeLoss: (point: LossPoint) => {
      if (losses) writer.write(toJsonLine({ type: 'loss', ...point }));
    },
    writeEvent: (event: DetectorEvent) => writer.write(toJsonLine({ type: 'event', ...event })),
    close: () => writer.close(),
  };
}
