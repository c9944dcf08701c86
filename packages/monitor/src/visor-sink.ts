import { requireBoolean, requireInteger, requireOneOf, requireOptions, requireString } from '@gs/core';
import type * as TfjsVis from '@tensorflow/tfjs-vis';
import { LAYER_METRICS, layerPoints, log10OrNull, type LayerMetric } from './chart-data.js';
import type { DetectorEvent } from './detector.js';
import type { LossPoint, MonitorRecord } from './monitor-record.js';
import type { MonitorSink } from './sink.js';

/** Options for `visorSink`. */
export interface VisorSinkOptions {
  /** The visor tab the surfaces go on. Default 'Gradients'. */
  tab?: string;
  /** What the heat-map and the bars show, as log10. Default 'gradientNorm'. */
  metric?: LayerMetric;
  /** Keep (and draw) only the last this many records in the heat-map. Default 200. */
  maxRecords?: number;
  /** Open the visor when the first record arrives. Default true. */
  open?: boolean;
}

/** The visor surfaces the sink draws on, by what they show. */
export const VISOR_SURFACES = {
  loss: 'Loss',
  heatmap: 'Heat-map: log10 per layer (input at the bottom) × step',
  bars: 'Per layer, latest step (log10)',
  events: 'Detector events',
} as const;

/** A `MonitorSink` that draws in the tfjs-vis visor; `drawn()` resolves when the latest drawing is on screen. */
export interface VisorSink extends MonitorSink {
  /** Resolves when everything written so far is drawn. */
  drawn(): Promise<void>;
}

let tfjsVis: Promise<typeof TfjsVis> | undefined;

/**
 * tfjs-vis, loaded at the first drawing: it needs a DOM (importing it in Node fails), so the sink
 * can be created and its options checked anywhere, and nothing of tfjs-vis loads until it draws.
 */
function loadTfjsVis(): Promise<typeof TfjsVis> {
  tfjsVis ??= import('@tensorflow/tfjs-vis');
  return tfjsVis;
}

const METRIC_LABELS: Record<LayerMetric, string> = {
  gradientNorm: 'log10 ‖∇W‖',
  weightNorm: 'log10 ‖W‖',
  updateRatio: 'log10 ‖ΔW‖/‖W‖',
};

/**
 * Shows the monitor live in the tfjs-vis visor (browser): the loss curve, a depth × step heat-map
 * of log10 gradient norms (the picture of vanishing and exploding gradients), per-layer bars at the
 * latest record, and a table of detector events — four surfaces on one visor tab. Drawing is
 * coalesced and never blocks training: a record that arrives while the visor draws is drawn next.
 *
 * Import it from `@gs/monitor/tfjs-vis`; `@tensorflow/tfjs-vis` is an optional peer dependency that
 * only this entry loads (at the first drawing), so the rest of `@gs/monitor` costs nothing extra
 * without it.
 *
 * Defaults: tab 'Gradients', metric 'gradientNorm', maxRecords 200, open true.
 *
 * @example
 * import { visorSink } from '@gs/monitor/tfjs-vis';
 * const watcher = monitor({ every: 5, sinks: [visorSink()] });
 * model.compile({ optimizer: stabilize('adam', [watcher], { model }), loss: 'categoricalCrossentropy' });
 * await model.fit(xs, ys, { epochs: 5 });
 */
export function visorSink(options: VisorSinkOptions = {}): VisorSink {
  const where = 'visorSink';
  const checked = requireOptions<VisorSinkOptions>(where, options, ['tab', 'metric', 'maxRecords', 'open']);
  const tab = requireString(where, 'tab', checked.tab ?? 'Gradients');
  const metric = requireOneOf(where, 'metric', checked.metric ?? 'gradientNorm', LAYER_METRICS);
  const maxRecords = requireInteger(where, 'maxRecords', checked.maxRecords ?? 200);
  const open = requireBoolean(where, 'open', checked.open ?? true);
  const surface = (name: string) => ({ name, tab });
  const records: MonitorRecord[] = [];
  const losses: LossPoint[] = [];
  const events: DetectorEvent[] = [];
  let opened = false;
  let drawing: Promise<void> = Promise.resolve();
  let pending = false;

  async function draw(): Promise<void> {
    const tfvis = await loadTfjsVis();
    // A scatterplot, not tfjs-vis 1.5's linechart: that one plots points at their index, not their step.
    const lossValues = losses.filter((point) => Number.isFinite(point.loss)).map((point) => ({ x: point.step, y: point.loss }));
    await tfvis.render.scatterplot(surface(VISOR_SURFACES.loss), { values: lossValues, series: ['loss'] }, {
      xLabel: 'step',
      yLabel: 'loss',
      zoomToFit: true,
    });
    const latest = records[records.length - 1];
    if (latest) {
      // Column-major: one column per step; rows listed output first so the input layer is at the bottom.
      const layerNames = latest.layers.map((layer) => layer.name).reverse();
      const cells = new Map(layerPoints(records, metric).map((point) => [`${point.step}\u0000${point.layer}`, point.log10]));
      const byStep = records.map((record) => layerNames.map((name) => cells.get(`${record.step}\u0000${name}`) ?? null));
      await tfvis.render.heatmap(
        surface(VISOR_SURFACES.heatmap),
        { values: byStep as number[][], xTickLabels: records.map((record) => String(record.step)), yTickLabels: layerNames },
        { xLabel: 'step', yLabel: 'layer', colorMap: 'viridis' },
      );
      const bars = latest.layers.flatMap((layer, position) => {
        const value = log10OrNull(layer[metric]);
        return value === null ? [] : [{ index: layer.depth >= 0 ? layer.depth : position, value }];
      });
      await tfvis.render.barchart(surface(VISOR_SURFACES.bars), bars, {
        xLabel: 'layer depth (0 = input)',
        yLabel: METRIC_LABELS[metric],
      });
    }
    await tfvis.render.table(surface(VISOR_SURFACES.events), {
      headers: ['step', 'detector', 'layer', 'message'],
      values: events.map((event) => [event.step, event.detector, event.layer ?? '', event.message]),
    });
  }

  function schedule(): void {
    if (pending) return;
    pending = true;
    // A failed drawing does not stop later ones; its error surfaces through drawn() and close().
    drawing = drawing
      .catch(() => {})
      .then(async () => {
        pending = false;
        await draw();
      });
  }

  return {
    name: 'tfjsVisor',
    write(record: MonitorRecord) {
      records.push(record);
      if (records.length > maxRecords) records.splice(0, records.length - maxRecords);
      if (open && !opened) {
        opened = true;
        void loadTfjsVis().then((tfvis) => tfvis.visor().open());
      }
      schedule();
    },
    writeLoss(point: LossPoint) {
      losses.push(point);
    },
    writeEvent(event: DetectorEvent) {
      events.push(event);
      schedule();
    },
    async close() {
      schedule();
      await drawing;
    },
    drawn: () => drawing,
  };
}
