import type { TopLevelSpec } from 'vega-lite';
import { requireBoolean, requireFinite, requireOneOf, requireOptions, requirePositive, requireString } from '@gs/core';
import { LAYER_METRICS, layerPoints, lossPoints, requireChartSource, type ChartSource, type LayerMetric } from './chart-data.js';

/** The dataset name every chart spec uses, so a live view can swap its data (`updateChart`). */
export const CHART_DATASET = 'table';

/** Common chart options. */
export interface ChartOptions {
  /** Plot width in pixels. Default 640. */
  width?: number;
  /** Plot height in pixels. Default depends on the chart. */
  height?: number;
  /** Chart title. Default depends on the chart. */
  title?: string;
}

const METRIC_TITLES: Record<LayerMetric, string> = {
  gradientNorm: 'gradient norm',
  weightNorm: 'weight norm',
  updateRatio: 'update/weight ratio',
};

function size(where: string, options: ChartOptions, height: number): { width: number; height: number } {
  return {
    width: requirePositive(where, 'width', options.width ?? 640),
    height: requirePositive(where, 'height', options.height ?? height),
  };
}

/** Checks a chart builder's arguments: the source, unknown option names, and the common options. */
function chartArguments<T extends ChartOptions>(where: string, source: unknown, options: unknown, own: readonly (keyof T & string)[]): Partial<T> {
  requireChartSource(where, source);
  const opts = requireOptions<T>(where, options, ['width', 'height', 'title', ...own]);
  if (opts.title !== undefined) requireString(where, 'title', opts.title);
  return opts;
}

/** Options for `gradientHeatmapSpec`. */
export interface HeatmapOptions extends ChartOptions {
  /** Which per-layer number to colour by. Default 'gradientNorm'. */
  metric?: LayerMetric;
}

/**
 * A Vega-Lite spec of the depth × step heat-map: one cell per layer (y, input at the bottom) and
 * reported step (x), coloured by log10 of the layer's gradient norm — the picture of vanishing
 * (dark bottom rows) and exploding (bright bottom rows) gradients. Cells whose value is 0 or not
 * finite are left out. Render with `renderSvg` (Node) or `renderChart` (browser).
 *
 * Defaults: metric 'gradientNorm', width 640, height max(160, 14 px per layer).
 *
 * @example
 * const svg = await renderSvg(gradientHeatmapSpec(watcher.history));
 */
export function gradientHeatmapSpec(source: ChartSource, options: HeatmapOptions = {}): TopLevelSpec {
  options = chartArguments<HeatmapOptions>('gradientHeatmapSpec', source, options, ['metric']);
  const metric = requireOneOf('gradientHeatmapSpec', 'metric', options.metric ?? 'gradientNorm', LAYER_METRICS);
  const points = layerPoints(source.records, metric).filter((point) => point.log10 !== null);
  const depths = new Set(points.map((point) => point.depth)).size;
  const steps = new Set(points.map((point) => point.step)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `log10 ${METRIC_TITLES[metric]} per layer`,
    ...size('gradientHeatmapSpec', options, Math.max(160, 14 * depths)),
    background: 'white',
    data: { name: CHART_DATASET },
    datasets: { [CHART_DATASET]: points },
    mark: { type: 'rect', tooltip: true },
    encoding: {
      x: {
        field: 'step',
        type: 'ordinal',
        title: 'step',
        axis: { labelOverlap: 'greedy', labelAngle: 0, ...(steps > 40 ? { labelSeparation: 8 } : {}) },
      },
      y: { field: 'depth', type: 'ordinal', title: 'depth (0 = input)', sort: 'descending', axis: { labelOverlap: 'greedy' } },
      color: {
        field: 'log10',
        type: 'quantitative',
        title: `log10 ${METRIC_TITLES[metric]}`,
        scale: { scheme: 'viridis' },
      },
      tooltip: [
        { field: 'layer', type: 'nominal' },
        { field: 'step', type: 'ordinal' },
        { field: 'value', type: 'quantitative', title: METRIC_TITLES[metric], format: '.3e' },
      ],
    },
  };
}

/** Options for `lossCurveSpec`. */
export interface LossCurveOptions extends ChartOptions {
  /** Log-scale y axis. Default: true when every loss is > 0. */
  logScale?: boolean;
}

/**
 * A Vega-Lite spec of the loss curve (every step core reported a loss; non-finite losses left out).
 *
 * Defaults: width 640, height 240, log scale when every loss is positive.
 *
 * @example
 * const svg = await renderSvg(lossCurveSpec(watcher.history));
 */
export function lossCurveSpec(source: ChartSource, options: LossCurveOptions = {}): TopLevelSpec {
  options = chartArguments<LossCurveOptions>('lossCurveSpec', source, options, ['logScale']);
  const points = lossPoints(source);
  const logScale = options.logScale === undefined ? points.length > 0 && points.every((point) => point.loss > 0) : requireBoolean('lossCurveSpec', 'logScale', options.logScale);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'loss',
    ...size('lossCurveSpec', options, 240),
    background: 'white',
    data: { name: CHART_DATASET },
    datasets: { [CHART_DATASET]: points },
    mark: { type: 'line', point: points.length <= 60, tooltip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', title: 'loss', scale: logScale ? { type: 'log' } : { zero: false } },
    },
  };
}

/** Options for `layerBarsSpec`. */
export interface LayerBarsOptions extends ChartOptions {
  /** Which per-layer number to plot. Default 'gradientNorm'. */
  metric?: LayerMetric;
  /** Which reported step to show. Default the latest. */
  step?: number;
}

/**
 * A Vega-Lite spec of per-layer bars at one step (default the latest): log10 of the layer's
 * gradient norm (or weight norm, or update ratio), input layer on the left; norms below 1 are
 * bars going down from 0.
 *
 * Defaults: metric 'gradientNorm', latest step, width 640, height 240.
 *
 * @example
 * const svg = await renderSvg(layerBarsSpec(watcher.history, { metric: 'updateRatio' }));
 */
export function layerBarsSpec(source: ChartSource, options: LayerBarsOptions = {}): TopLevelSpec {
  options = chartArguments<LayerBarsOptions>('layerBarsSpec', source, options, ['metric', 'step']);
  if (options.step !== undefined) requireFinite('layerBarsSpec', 'step', options.step);
  const metric = requireOneOf('layerBarsSpec', 'metric', options.metric ?? 'gradientNorm', LAYER_METRICS);
  const records = source.records;
  const record = options.step === undefined ? records[records.length - 1] : records.find((candidate) => candidate.step === options.step);
  if (options.step !== undefined && !record) {
    throw new RangeError(`layerBarsSpec: step must be a reported step, got ${options.step}`);
  }
  const points = record ? layerPoints([record], metric).filter((point) => point.log10 !== null) : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `${METRIC_TITLES[metric]} per layer${record ? ` at step ${record.step}` : ''}`,
    ...size('layerBarsSpec', options, 240),
    background: 'white',
    data: { name: CHART_DATASET },
    datasets: { [CHART_DATASET]: points },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'depth', type: 'ordinal', title: 'depth (0 = input)', axis: { labelOverlap: 'greedy', labelAngle: 0 } },
      // log10 on a linear axis: bars grow down from 10⁰ for tiny norms (a log scale has no bar baseline).
      y: { field: 'log10', type: 'quantitative', title: `log10 ${METRIC_TITLES[metric]}` },
      tooltip: [
        { field: 'layer', type: 'nominal' },
        { field: 'value', type: 'quantitative', title: METRIC_TITLES[metric], format: '.3e' },
      ],
    },
  };
}
