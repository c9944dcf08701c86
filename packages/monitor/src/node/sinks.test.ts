import * as tf from '@tensorflow/tfjs';
import { createTrainer } from '@gs/core';
import { buildMlp, regressionData } from '@gs/testing';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { vanishingGradients } from '../vanishing-gradients.js';
import { monitor } from '../monitor.js';
import { CSV_COLUMNS, fromJsonLine } from '../record-format.js';
import { variablesOf } from '../test-utils.js';
import { consoleSink } from './console-sink.js';
import { csvSink } from './csv-sink.js';
import { jsonLinesSink } from './json-lines-sink.js';
import { svgChartSink } from './write-charts.js';

let directory: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  directory = await mkdtemp(join(tmpdir(), 'gs-monitor-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

it('writes JSON Lines, CSV, console tables with a progress line, and SVG charts from one run', async () => {
  const model = buildMlp({ inputSize: 4, depth: 6, width: 8, activation: 'sigmoid', seed: 1 });
  const { xs, ys } = regressionData(16, 4);
  const printed: string[] = [];
  const progress = new PassThrough();
  let progressText = '';
  progress.on('data', (chunk: Buffer) => (progressText += chunk.toString()));
  Object.assign(progress, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  const steps = 6;
  const watcher = monitor({
    every: 2,
    detectors: [vanishingGradients({ ratio: 0.5, patience: 1 })],
    onEvent: () => {},
    sinks: [
      jsonLinesSink(join(directory, 'run.jsonl')),
      csvSink(join(directory, 'run.csv')),
      consoleSink({ every: 2, log: (text) => printed.push(text) }),
      consoleSink({ total: steps, stream: progress, log: () => {} }),
      svgChartSink(join(directory, 'charts')),
    ],
  });
  const clipRecorder = {
    name: 'clip',
    transformGradients: (_grads: unknown, ctx: { record(name: string, value: tf.Tensor | number): void }) => void ctx.record('scale', 1),
    onReport: () => {},
  };
  const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [clipRecorder, watcher], model });
  for (let i = 0; i < steps; i++) {
    await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
  }
  await watcher.close();
  trainer.dispose();

  const records = watcher.history.records; // steps 0, 2, 4
  expect(records.map((record) => record.step)).toEqual([0, 2, 4]);
  const lines = (await readFile(join(directory, 'run.jsonl'), 'utf8')).trim().split('\n').map(fromJsonLine);
  expect(lines.filter((line) => line.type === 'record')).toHaveLength(3);
  expect(lines.filter((line) => line.type === 'loss')).toHaveLength(steps);
  expect(lines.filter((line) => line.type === 'event')).toHaveLength(watcher.events.length);
  expect(lines.find((line) => line.type === 'record')).toEqual({ type: 'record', ...records[0] });

  const csv = (await readFile(join(directory, 'run.csv'), 'utf8')).trim().split('\n');
  expect(csv[0]).toBe([...CSV_COLUMNS, 'clip/scale'].join(','));
  expect(csv).toHaveLength(1 + 3 * 7); // header + 7 layers × 3 records
  const firstRow = csv[1]!.split(',');
  expect(firstRow[0]).toBe('0');
  expect(firstRow[3]).toBe(records[0]!.layers[0]!.name);
  expect(Number(firstRow[5])).toBe(records[0]!.layers[0]!.gradientNorm);
  expect(firstRow[firstRow.length - 1]).toBe('1');

  expect(printed.filter((text) => text.startsWith('step ')).map((text) => text.split('  ')[0])).toEqual(['step 0', 'step 4']);
  expect(printed[0]).toContain(records[0]!.layers[0]!.name);
  expect(progressText).toMatch(/step 6\/6/);
  expect(progressText).toContain('ETA');

  const heatmap = await readFile(join(directory, 'charts', 'gradient-heatmap.svg'), 'utf8');
  expect(heatmap.match(/aria-roledescription="rect mark"/g)).toHaveLength(7 * 3);
  const loss = await readFile(join(directory, 'charts', 'loss.svg'), 'utf8');
  expect(loss.match(/aria-roledescription="point"/g)).toHaveLength(steps);
  tf.dispose([xs, ys]);
  model.dispose();
});

it('rejects bad sink options', () => {
  expect(() => consoleSink({ every: 0 })).toThrow(/consoleSink: every must be an integer ≥ 1, got 0/);
  expect(() => consoleSink({ total: -1 })).toThrow(/total.*-1/);
  expect(() => jsonLinesSink('')).toThrow(/jsonLinesSink: path must be a non-empty string/);
  expect(() => jsonLinesSink('x.jsonl', { append: 'false' as never })).toThrow(/jsonLinesSink: append must be true or false, got "false"/);
  expect(() => jsonLinesSink('x.jsonl', { appnd: true } as never)).toThrow(/jsonLinesSink: unknown option 'appnd' \(did you mean 'append'\?\)/);
  expect(() => consoleSink({ log: 'x' as never })).toThrow(/consoleSink: log must be a function, got "x"/);
  expect(() => svgChartSink('x', { evry: 2 } as never)).toThrow(/svgChartSink: unknown option 'evry'/);
  expect(() => svgChartSink('x', { every: -1 })).toThrow(/svgChartSink: every must be an integer ≥ 0, got -1/);
});
