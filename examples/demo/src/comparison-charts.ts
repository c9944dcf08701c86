import type { TopLevelSpec } from 'vega-lite';

/** One named curve of an overlay chart. */
export interface CurveSeries {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

/** Options of `overlayCurvesSpec`. */
export interface OverlayOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  /** 'log' or 'symlog' y axis; default linear. */
  yScale?: 'log' | 'symlog' | 'linear';
  width?: number;
  height?: number;
  /** Fixed y range; points outside are cut off at the plot's edge (a diverged run would otherwise flatten the others). */
  yDomain?: [number, number];
  /** Legend columns (default 2; 1 for long run titles). */
  legendColumns?: number;
}

/**
 * Several runs' curves on one plot, one colour per run (non-finite points left out): the loss of
 * each depth record or sequence run, or each remedy's per-layer gradient norms next to the baseline's.
 */
export function overlayCurvesSpec(series: readonly CurveSeries[], options: OverlayOptions): TopLevelSpec {
  const values = series.flatMap((curve) =>
    curve.points
      .filter((point) => Number.isFinite(point.y) && (options.yScale !== 'log' || point.y > 0))
      .map((point) => ({ x: point.x, y: point.y, run: curve.name })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: options.width ?? 480,
    height: options.height ?? 260,
    background: 'white',
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5, tooltip: true, ...(options.yDomain ? { clip: true } : {}) },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xTitle },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: {
          ...(options.yScale && options.yScale !== 'linear' ? { type: options.yScale } : { zero: false }),
          ...(options.yDomain ? { domain: options.yDomain } : {}),
        },
        ...(options.yScale === 'log' ? { axis: { format: '.0e' } } : {}),
      },
      color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom', columns: options.legendColumns ?? 2, labelLimit: 480 } },
    },
  };
}

/** Grouped bars: one group per `group` value, one bar per `bar` value, height `value` (e.g. accuracy per depth and scheme). */
export function groupedBarsSpec(
  rows: ReadonlyArray<{ group: string; bar: string; value: number }>,
  options: { title: string; groupTitle: string; valueTitle: string; ruleAt?: number; ruleLabel?: string },
): TopLevelSpec {
  const bars = {
    mark: { type: 'bar' as const, tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal' as const, title: options.groupTitle, sort: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'bar', type: 'nominal' as const, sort: null },
      y: { field: 'value', type: 'quantitative' as const, title: options.valueTitle, scale: { domain: [0, 1] } },
      color: { field: 'bar', type: 'nominal' as const, title: null, sort: null, legend: { orient: 'bottom' as const, columns: 1, labelLimit: 480 } },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title,
    width: 520,
    height: 260,
    background: 'white',
    data: { values: rows.map((row) => ({ ...row })) },
    layer:
      options.ruleAt === undefined
        ? [bars]
        : [
            bars,
            { mark: { type: 'rule', strokeDash: [4, 4], color: '#c00' }, encoding: { y: { datum: options.ruleAt } } },
            {
              mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#c00' },
              encoding: { y: { datum: options.ruleAt }, x: { value: 0 }, text: { value: options.ruleLabel ?? '' } },
            },
          ],
  };
}
