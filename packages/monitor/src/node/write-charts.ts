import { invalidOption, requireInteger, requireOptions, requireString } from '@gs/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireChartSource, type ChartSource } from '../chart-data.js';
import { gradientHeatmapSpec, layerBarsSpec, lossCurveSpec } from '../chart-specs.js';
import { renderSvg } from '../render-chart.js';
import type { LossPoint, MonitorRecord } from '../monitor-record.js';
import type { MonitorSink } from '../sink.js';

/** The files `writeCharts` writes, by chart. */
export interface ChartFiles {
  gradientHeatmap: string;
  loss: string;
  layerGradientNorms: string;
  updateRatioHeatmap: string;
}

/**
 * Renders the monitor's charts to SVG files in `directory` (created if missing): the depth × step
 * gradient-norm heat-map, the loss curve, per-layer gradient-norm bars at the last step, and the
 * update-ratio heat-map. Node only. Returns the paths.
 *
 * @example
 * const files = await writeCharts(watcher.history, 'report/charts');
 */
export async function writeCharts(source: ChartSource, directory: string, options: { prefix?: string } = {}): Promise<ChartFiles> {
  const where = 'writeCharts';
  requireChartSource(where, source);
  requireString(where, 'directory', directory);
  const prefix = prefixOption(where, requireOptions<{ prefix: string }>(where, options, ['prefix']).prefix);
  await mkdir(directory, { recursive: true });
  const files: ChartFiles = {
    gradientHeatmap: join(directory, `${prefix}gradient-heatmap.svg`),
    loss: join(directory, `${prefix}loss.svg`),
    layerGradientNorms: join(directory, `${prefix}layer-gradient-norms.svg`),
    updateRatioHeatmap: join(directory, `${prefix}update-ratio-heatmap.svg`),
  };
  await Promise.all([
    writeFile(files.gradientHeatmap, await renderSvg(gradientHeatmapSpec(source))),
    writeFile(files.loss, await renderSvg(lossCurveSpec(source))),
    writeFile(files.layerGradientNorms, await renderSvg(layerBarsSpec(source))),
    writeFile(files.updateRatioHeatmap, await renderSvg(gradientHeatmapSpec(source, { metric: 'updateRatio' }))),
  ]);
  return files;
}

/**
 * A sink that keeps the records and writes the SVG charts (see `writeCharts`) to `directory`
 * every `every` records and when the monitor closes. Node only.
 *
 * Defaults: every 0 (only on close).
 *
 * @example
 * const watcher = monitor({ sinks: [svgChartSink('report/charts', { every: 100 })] });
 */
export function svgChartSink(directory: string, options: { every?: number; prefix?: string } = {}): MonitorSink {
  const where = 'svgChartSink';
  requireString(where, 'directory', directory);
  const opts = requireOptions<{ every: number; prefix: string }>(where, options, ['every', 'prefix']);
  const every = requireInteger(where, 'every', opts.every ?? 0, 0);
  const prefix = prefixOption(where, opts.prefix);
  const source: { records: MonitorRecord[]; losses: LossPoint[] } = { records: [], losses: [] };
  return {
    name: 'svgCharts',
    async write(record) {
      source.records.push(record);
      if (every > 0 && source.records.length % every === 0) await writeCharts(source, directory, { prefix });
    },
    writeLoss(point) {
      source.losses.push(point);
    },
    async close() {
      if (source.records.length > 0) await writeCharts(source, directory, { prefix });
    },
  };
}

/** A file-name prefix: any string, '' by default. */
function prefixOption(where: string, prefix: unknown): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string' || /[/\\]/.test(prefix)) invalidOption(where, 'prefix', 'a file-name prefix (a string without slashes)', prefix);
  return prefix;
}
