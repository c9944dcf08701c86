import * as tf from '@tensorflow/tfjs';
import { createTrainer } from '@gs/core';
import { buildMlp, regressionData } from '@gs/testing';
import { expect, it } from 'vitest';
import { gradientHeatmapSpec, layerBarsSpec, lossCurveSpec } from './chart-specs.js';
import { MonitorHistory } from './monitor-history.js';
import type { MonitorRecord } from './monitor-record.js';
import { monitor } from './monitor.js';
import { renderSvg } from './render-chart.js';
import { variablesOf } from './test-utils.js';

/** The marks Vega drew: one `<path … aria-roledescription="<kind>">` each (e.g. `rect mark`, `point`). */
function marks(svg: string, kind: string): string[] {
  return svg.match(new RegExp(`<path[^>]*aria-roledescription="${kind}"[^>]*>`, 'g')) ?? [];
}

async function smallRun(steps: number) {
  await tf.setBackend('cpu');
  const model = buildMlp({ inputSize: 4, depth: 5, width: 8, activation: 'sigmoid', seed: 2 });
  const { xs, ys } = regressionData(16, 4);
  const watcher = monitor({ detectors: [] });
  const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [watcher], model });
  for (let i = 0; i < steps; i++) {
    await trainer.step(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
  }
  trainer.dispose();
  model.dispose();
  tf.dispose([xs, ys]);
  return watcher.history;
}

it('renders the depth × step heat-map to an SVG with one cell per layer per step, coloured by log10 norm', async () => {
  const history = await smallRun(7);
  const svg = await renderSvg(gradientHeatmapSpec(history));
  expect(svg.startsWith('<svg')).toBe(true);
  const cells = marks(svg, 'rect mark');
  expect(cells).toHaveLength(6 * 7); // 5 hidden + 1 output layer, 7 steps
  // Each cell's label carries its layer, step and value; the first layer's first-step cell is there.
  const first = history.records[0]!.layers[0]!;
  expect(cells.some((cell) => cell.includes(`layer: ${first.name}`) && cell.includes('step: 0'))).toBe(true);
  // Distinct colours: the norms differ by orders of magnitude across depth.
  expect(new Set(cells.map((cell) => /fill="([^"]+)"/.exec(cell)![1])).size).toBeGreaterThan(5);
});

it('leaves out cells whose norm is zero or not finite, and renders loss curve and per-layer bars', async () => {
  const layer = (name: string, depth: number, gradientNorm: number) => ({ name, depth, gradientNorm, weightNorm: 1, updateRatio: 1e-3 });
  const records: MonitorRecord[] = [0, 1].map((step) => ({
    step,
    loss: 1 / (step + 1),
    gradientNorm: 1,
    layers: [layer('a', 0, step === 1 ? Number.NaN : 1e-6), layer('b', 1, 0), layer('c', 2, 0.5)],
    extras: {},
  }));
  const source = { records };
  expect(marks(await renderSvg(gradientHeatmapSpec(source)), 'rect mark')).toHaveLength(3); // a@0, c@0, c@1
  const history = new MonitorHistory();
  records.forEach((record) => history.write(record));
  [0, 1, 2].forEach((step) => history.writeLoss({ step, loss: 1 / (step + 1) }));
  const loss = await renderSvg(lossCurveSpec(history));
  expect(marks(loss, 'line mark')).toHaveLength(1);
  expect(marks(loss, 'point')).toHaveLength(3); // one point per loss
  const bars = await renderSvg(layerBarsSpec(source, { step: 0 }));
  const drawn = marks(bars, 'bar');
  expect(drawn).toHaveLength(2); // a and c (b's norm is 0)
  // Bar heights are proportional to |log10 norm|: a (1e-6) is 6 / log10(2) ≈ 19.9× as tall as c (0.5).
  const heights = drawn.map((bar) => Math.abs(Number(/v(-?[\d.]+)/.exec(/d="([^"]+)"/.exec(bar)![1]!)![1])));
  expect(heights[0]! / heights[1]!).toBeCloseTo(6 / Math.log10(2), 0);
  expect(() => layerBarsSpec(source, { step: 5 })).toThrow(/step must be a reported step, got 5/);
  expect(() => gradientHeatmapSpec(source, { metric: 'norm' as never })).toThrow(/metric must be one of/);
});
