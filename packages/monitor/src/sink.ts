import type { DetectorEvent } from './detector.js';
import type { LossPoint, MonitorRecord } from './monitor-record.js';

/**
 * Where the monitor sends what it reads back. Every method is optional and may be async (the
 * monitor awaits it in `onReport`, outside the training step).
 *
 * @example
 * const logger: MonitorSink = { name: 'logger', write: (record) => console.log(record.step, record.gradientNorm) };
 */
export interface MonitorSink {
  /** Short name, used in error messages. */
  readonly name: string;
  /** A full record (the monitor's own reported steps). */
  write?(record: MonitorRecord): void | Promise<void>;
  /** The loss of every step core reports (also between the monitor's own steps). */
  writeLoss?(point: LossPoint): void | Promise<void>;
  /** A detector event. */
  writeEvent?(event: DetectorEvent): void | Promise<void>;
  /** Flushes and releases resources (files, progress bars). */
  close?(): void | Promise<void>;
  /**
   * Asks the monitor to compute per-layer histograms of gradients and weights on its measured steps
   * (unless its `histograms` option says otherwise). `tensorBoardSink` sets it.
   */
  readonly histograms?: boolean;
}

const SINK_METHODS = ['write', 'writeLoss', 'writeEvent', 'close'] as const;

/** Checks that `sink` is a sink object; throws a clear error naming the position otherwise. */
export function validateSink(where: string, sink: unknown, position: number): MonitorSink {
  const expected = 'a sink object such as new MonitorHistory(), consoleSink() or jsonLinesSink(path) (from @gs/monitor/node)';
  if (sink == null || typeof sink !== 'object') {
    throw new TypeError(`${where}: sinks[${position}] is not a known sink: expected ${expected}, got ${JSON.stringify(sink) ?? String(sink)}`);
  }
  const candidate = sink as Record<string, unknown>;
  const methods = SINK_METHODS.filter((method) => candidate[method] !== undefined);
  if (typeof candidate['name'] !== 'string' || methods.length === 0 || methods.some((method) => typeof candidate[method] !== 'function')) {
    throw new TypeError(
      `${where}: sinks[${position}] is not a known sink: expected ${expected} (a name and write/writeLoss/writeEvent functions)`,
    );
  }
  return sink as MonitorSink;
}
