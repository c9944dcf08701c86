import { invalidOption } from '@gs/core';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_DATASET } from './chart-specs.js';

/**
 * Renders a Vega-Lite spec (e.g. `gradientHeatmapSpec(history)`) to an SVG string, headless: in
 * Node no canvas or DOM is needed (`renderer: 'none'`, then Vega's `View#toSVG`).
 *
 * @example
 * await fs.writeFile('heatmap.svg', await renderSvg(gradientHeatmapSpec(watcher.history)));
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  requireSpec('renderSvg', spec);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A chart live in the page; `update` swaps in new data (same chart kind) without rebuilding it. */
export interface LiveChart {
  /** The Vega view (for its API: `toSVG`, `toImageURL`, signals, …). */
  readonly view: View;
  /** Replaces the chart's data with the data of `spec` (a spec from the same builder). */
  update(spec: TopLevelSpec): Promise<void>;
  /** Removes listeners and timers. */
  finalize(): void;
}

/**
 * Renders a Vega-Lite spec into a DOM element in the browser, as SVG, and returns a handle whose
 * `update(spec)` refreshes the data in place (call it from a sink's `write` for live charts).
 *
 * @example
 * const chart = await renderChart(gradientHeatmapSpec(watcher.history), document.querySelector('#heatmap')!);
 * const live = { name: 'live', write: () => chart.update(gradientHeatmapSpec(watcher.history)) };
 */
export async function renderChart(spec: TopLevelSpec, element: Element | string): Promise<LiveChart> {
  requireSpec('renderChart', spec);
  const isElement = typeof Element !== 'undefined' && element instanceof Element;
  if (!isElement && (typeof element !== 'string' || element.length === 0)) {
    invalidOption('renderChart', 'element', 'a DOM element or a CSS selector string', element);
  }
  const view = new View(parse(compile(spec).spec), { renderer: 'svg', container: element, hover: true });
  await view.runAsync();
  return {
    view,
    async update(next: TopLevelSpec) {
      const values = (next as { datasets?: Record<string, unknown[]> }).datasets?.[CHART_DATASET] ?? [];
      view.data(CHART_DATASET, values);
      await view.runAsync();
    },
    finalize: () => view.finalize(),
  };
}

const VIEW_KEYS = ['mark', 'layer', 'concat', 'hconcat', 'vconcat', 'facet', 'repeat'];

/** A Vega-Lite spec object (as the chart builders make), checked before Vega-Lite sees it. */
function requireSpec(where: string, spec: unknown): void {
  const ok =
    spec !== null && typeof spec === 'object' && Object.getPrototypeOf(spec) === Object.prototype && VIEW_KEYS.some((key) => Object.hasOwn(spec, key));
  if (!ok) invalidOption(where, 'spec', 'a Vega-Lite spec such as gradientHeatmapSpec(history)', spec);
}
