import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { SigmoidCurve } from './seed-figures.js';
import type { RunResult } from './run-configuration.js';

/** Renders a Vega-Lite spec to an SVG string (headless, no canvas needed). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** The seed's first figure: sigmoid and its gradient (from `tf.grad`) on [−8, 8). */
export function sigmoidChart(curve: SigmoidCurve): TopLevelSpec {
  const values = curve.x.flatMap((x, i) => [
    { x, value: curve.sigmoid[i], series: 'sigmoid' },
    { x, value: curve.gradient[i], series: 'gradient (tf.grad)' },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'sigmoid(x) and its gradient: the gradient vanishes for large |x|',
    width: 420,
    height: 240,
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x' },
      y: { field: 'value', type: 'quantitative', title: null },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** The seed's second figure: norm of a product of random 4×4 matrices per step, log scale. */
export function matrixProductChart(series: Record<string, number[]>): TopLevelSpec {
  const values = Object.entries(series).flatMap(([name, norms]) =>
    norms.filter((norm) => Number.isFinite(norm) && norm > 0).map((norm, step) => ({ step, norm, series: name })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Product of 4×4 random matrices: ‖M‖_F/√4 after each multiplication',
    width: 420,
    height: 260,
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'matrices multiplied' },
      y: { field: 'norm', type: 'quantitative', scale: { type: 'log' }, title: 'RMS singular value (log)', axis: { format: '.0e' } },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 300 } },
    },
  };
}

/** Depth × step heat-map of log10 of each Dense kernel's gradient norm for one run. */
export function gradientHeatmapChart(result: RunResult): TopLevelSpec {
  const values = result.history.flatMap((record) =>
    (record.kernelGradientNorms ?? []).map((norm, layer) => ({
      step: record.step,
      layer,
      name: result.layers[layer] ?? `layer ${layer}`,
      log10: Number.isFinite(norm) && norm > 0 ? Math.log10(norm) : null,
      status: Number.isFinite(norm) ? (norm > 0 ? 'finite' : 'zero') : 'NaN/Inf',
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${result.configuration.title}: log10 gradient norm per layer`, subtitle: 'grey: NaN/Inf or zero' },
    width: 420,
    height: 240,
    data: { values },
    layer: [
      {
        transform: [{ filter: 'datum.log10 == null' }],
        mark: { type: 'rect', color: '#999' },
        encoding: {
          x: { field: 'step', type: 'ordinal', title: 'step', axis: { labelOverlap: true } },
          y: { field: 'layer', type: 'ordinal', title: 'layer (0 = input side)', sort: 'descending' },
        },
      },
      {
        transform: [{ filter: 'datum.log10 != null' }],
        mark: 'rect',
        encoding: {
          x: { field: 'step', type: 'ordinal', title: 'step', axis: { labelOverlap: true } },
          y: { field: 'layer', type: 'ordinal', title: 'layer (0 = input side)', sort: 'descending' },
          color: { field: 'log10', type: 'quantitative', title: 'log10 ‖g‖', scale: { scheme: 'viridis' } },
          tooltip: [{ field: 'name' }, { field: 'step' }, { field: 'log10' }],
        },
      },
    ],
  };
}

/** Training loss per step of several runs, one line each (non-finite losses are left out). */
export function lossChart(title: string, results: readonly RunResult[]): TopLevelSpec {
  const values = results.flatMap((result) =>
    result.history
      .filter((record) => Number.isFinite(record.loss))
      .map((record) => ({ step: record.step, loss: Math.min(record.loss, 1e6), run: result.configuration.title })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'non-finite losses are not drawn; losses above 1e6 are cut at 1e6' },
    width: 480,
    height: 260,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', scale: { type: 'symlog' }, title: 'training loss (symlog)' },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 320 } },
    },
  };
}

/** Gradient norm of each layer at the first step, one line per run, log scale. */
export function layerNormsChart(title: string, results: readonly RunResult[]): TopLevelSpec {
  const values = results.flatMap((result) => {
    const first = result.history.find((record) => record.kernelGradientNorms);
    return (first?.kernelGradientNorms ?? [])
      .map((norm, layer) => ({ layer, norm, run: result.configuration.title }))
      .filter((point) => Number.isFinite(point.norm) && point.norm > 0);
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'gradient norm of each Dense kernel at the first step' },
    width: 480,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'layer', type: 'quantitative', title: 'layer (0 = input side)' },
      y: { field: 'norm', type: 'quantitative', scale: { type: 'log' }, title: '‖g‖ (log)', axis: { format: '.0e' } },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 320 } },
    },
  };
}
