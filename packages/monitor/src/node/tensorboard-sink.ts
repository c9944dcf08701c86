import { describeValue, invalidOption, requireBoolean, requireOptions, type RecordedValue } from '@gs/core';
import type { DetectorEvent } from '../detector.js';
import type { LayerStats, LossPoint, MonitorRecord } from '../monitor-record.js';
import type { MonitorSink } from '../sink.js';
import { SummaryFileWriter, summaryWriterSettings, type SummaryFileWriterOptions } from './summary-file-writer.js';
import type { SummaryValue } from './tensorboard-event.js';

/** Options for `tensorBoardSink`. */
export interface TensorBoardSinkOptions extends SummaryFileWriterOptions {
  /**
   * Write histograms of every layer's gradients and weights (`gradients/<layer>`, `weights/<layer>`).
   * The monitor then computes them on the device on its measured steps. Default true.
   */
  histograms?: boolean;
}

/** A TensorBoard sink: a `MonitorSink` with the event file writer it writes through. */
export interface TensorBoardSink extends MonitorSink {
  /** The writer (its `path` is the event file; `flush()` writes what is queued). */
  readonly writer: SummaryFileWriter;
  /** Whether the sink asks the monitor for histograms. */
  readonly histograms: boolean;
}

/**
 * Per-layer scalars the sink writes, as `<group>/<layer name>`: TensorBoard folds tags by the part
 * before the first '/', so each quantity gets its own section with one chart per layer.
 */
const LAYER_SCALARS: ReadonlyArray<readonly [group: string, read: (layer: LayerStats) => number | undefined]> = [
  ['gradientNorm', (layer) => layer.gradientNorm],
  ['weightNorm', (layer) => layer.weightNorm],
  ['updateRatio', (layer) => layer.updateRatio],
  ['activationMean', (layer) => layer.activations?.mean],
  ['activationStd', (layer) => layer.activations?.std],
  ['saturatedFraction', (layer) => layer.activations?.saturatedFraction],
  ['deadFraction', (layer) => layer.activations?.deadFraction],
];

function extraValues(name: string, value: RecordedValue): SummaryValue[] {
  if (typeof value === 'number') return [{ tag: name, scalar: value }];
  return value.map((element, index) => ({ tag: `${name}/${index}`, scalar: element }));
}

/** The record's values as summary values (see `tensorBoardSink` for the tags). */
export function recordSummaryValues(record: MonitorRecord): SummaryValue[] {
  const values: SummaryValue[] = [{ tag: 'gradientNorm/global', scalar: record.gradientNorm }];
  for (const [group, read] of LAYER_SCALARS) {
    for (const layer of record.layers) {
      const value = read(layer);
      if (value !== undefined && !(group === 'updateRatio' && Number.isNaN(value))) values.push({ tag: `${group}/${layer.name}`, scalar: value });
    }
  }
  for (const layer of record.layers) {
    for (const [name, value] of Object.entries(layer.parameterGradientNorms ?? {})) {
      values.push({ tag: `parameterGradientNorm/${name}`, scalar: value });
    }
  }
  for (const layer of record.layers) {
    for (const [group, histogram] of [['gradients', layer.gradientHistogram], ['weights', layer.weightHistogram]] as const) {
      // A layer with NaN/Inf has none (its scalars show the non-finite value instead).
      if (histogram) values.push({ tag: `${group}/${layer.name}`, histogram });
    }
  }
  for (const [name, value] of Object.entries(record.extras)) values.push(...extraValues(name, value));
  return values;
}

const EVENT_FIELDS_SHOWN = new Set(['detector', 'step', 'message', 'remedies']);

/** A detector event as Markdown for TensorBoard's Text tab; fields beyond the message and remedies are listed as they are. */
export function eventMarkdown(event: DetectorEvent): string {
  const lines = [`**${event.detector}** at step ${event.step}: ${event.message}`];
  if (event.remedies.length > 0) lines.push('', 'Try:', ...event.remedies.map((remedy) => `- ${remedy}`));
  const others = Object.entries(event).filter(([name, value]) => !EVENT_FIELDS_SHOWN.has(name) && value !== undefined);
  if (others.length > 0) {
    lines.push('', ...others.map(([name, value]) => `- ${name}: ${typeof value === 'string' ? value : describeValue(value)}`));
  }
  return lines.join('\n');
}

/**
 * A monitor sink that writes a TensorBoard event file into `runDirectory` (one directory per
 * training run; `tensorboard --logdir <parent>` lists each as a run). Pure TypeScript: no
 * TensorFlow, no native binding. Node only.
 *
 * Tags: `loss` (every reported step); `gradientNorm/global`; per layer `gradientNorm/<layer>`,
 * `weightNorm/<layer>`, `updateRatio/<layer>` (and with a probe `activationMean`, `activationStd`,
 * `saturatedFraction`, `deadFraction`; with `perParameter` `parameterGradientNorm/<variable>`);
 * histograms `gradients/<layer>` and `weights/<layer>` (30 equal-width buckets, counted on the
 * device); other plugins' records under their own keys (`clipByGlobalNorm/norm`; vectors as
 * `<key>/<i>`); detector events as text under `events/<detector>`.
 *
 * Flush and close: see `SummaryFileWriter` — events reach the file every `maxQueue` (10) events,
 * every `flushMillis` (5 s) and on `monitor.close()`, which closes the file.
 *
 * Defaults: histograms true, maxQueue 10, flushMillis 5000.
 *
 * @example
 * const watcher = monitor({ every: 10, sinks: [tensorBoardSink('runs/sigmoid-sgd')] });
 * model.compile({ optimizer: stabilize('sgd', [watcher], { model }), loss: 'categoricalCrossentropy' });
 * await model.fit(xs, ys, { epochs: 5 });
 * await watcher.close(); // then: tensorboard --logdir runs
 */
export function tensorBoardSink(runDirectory: string, options: TensorBoardSinkOptions = {}): TensorBoardSink {
  const where = 'tensorBoardSink';
  const checked = requireOptions<TensorBoardSinkOptions>(where, options, ['histograms', 'maxQueue', 'flushMillis', 'filenameSuffix']);
  const histograms = requireBoolean(where, 'histograms', checked.histograms ?? true);
  if (typeof runDirectory !== 'string' || runDirectory.length === 0) invalidOption(where, 'runDirectory', 'a non-empty directory path', runDirectory);
  const { histograms: _histograms, ...writerOptions } = checked;
  summaryWriterSettings(where, runDirectory, writerOptions);
  const writer = new SummaryFileWriter(runDirectory, writerOptions);
  return {
    name: 'tensorBoard',
    writer,
    histograms,
    write(record: MonitorRecord) {
      const values = recordSummaryValues(record);
      writer.write(record.step, histograms ? values : values.filter((value) => !('histogram' in value)));
    },
    writeLoss(point: LossPoint) {
      writer.scalar('loss', point.loss, point.step);
    },
    writeEvent(event: DetectorEvent) {
      writer.text(`events/${event.detector}`, eventMarkdown(event), event.step);
    },
    close() {
      writer.close();
    },
  };
}
