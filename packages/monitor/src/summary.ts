import { formatNumber } from './detector.js';
import type { MonitorHistory } from './monitor-history.js';
import type { MonitorRecord } from './monitor-record.js';

/** One layer in the summary. */
export interface LayerSummary {
  /** The layer's name. */
  readonly name: string;
  /** Depth index, 0 nearest the input. */
  readonly depth: number;
  /** Median gradient norm over the last (up to 5) records. */
  readonly gradientNorm: number;
  /** Median update-to-weight ratio over the same records. */
  readonly updateRatio: number;
  /**
   * Orders of magnitude the gradient norm changes per 10 layers going from this layer to the next
   * deeper one: 10 · log10(‖∇W_{l+1}‖ / ‖∇W_l‖). Positive: smaller towards the input. Undefined for the last layer.
   */
  readonly decadesPer10Layers?: number;
}

/** Which detectors fired, how often, first at which step. */
export interface DetectorSummary {
  /** The detector's name (e.g. `vanishingGradients`). */
  readonly detector: string;
  /** How many events it raised. */
  readonly count: number;
  /** Step of its first event. */
  readonly firstStep: number;
  /** Names of the layers its events named, without repeats. */
  readonly layers: readonly string[];
}

/** The end-of-run diagnosis returned by `monitor.summary()` / `summarize(history)`. */
export interface MonitorSummary {
  /** The overall verdict. */
  readonly diagnosis: 'no data' | 'healthy' | 'vanishing' | 'exploding' | 'non-finite' | 'unhealthy';
  /** Records and steps seen. */
  readonly records: number;
  /** Step of the last record (absent with no records). */
  readonly lastStep?: number;
  /** Loss of the first loss point in the history (may be NaN/Infinity). */
  readonly firstLoss?: number;
  /** Loss of the last loss point in the history (may be NaN/Infinity). */
  readonly lastLoss?: number;
  /** Detectors that fired. */
  readonly fired: readonly DetectorSummary[];
  /** The first (input) layer's summary. */
  readonly firstLayer?: LayerSummary;
  /** The last (output) layer's summary. */
  readonly lastLayer?: LayerSummary;
  /**
   * Slope of the least-squares line through (depth, log10 ‖∇W_l‖), times 10: the orders of
   * magnitude gradients gain per 10 layers towards the output. Positive → vanishing towards the
   * input; negative → growing towards the input (exploding).
   */
  readonly decadesPer10Layers?: number;
  /** Every layer's summary over the last (up to 5) records, input first. */
  readonly layers: readonly LayerSummary[];
  /** Remedies from the events, most frequent first. */
  readonly remedies: readonly string[];
  /** The whole summary as readable text. */
  readonly text: string;
}

function median(values: number[]): number {
  const finite = values.filter((value) => !Number.isNaN(value));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Least-squares slope of y on x over the finite points (NaN with fewer than two). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const points = xs.map((x, i) => [x, ys[i]!] as const).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (points.length < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return variance === 0 ? Number.NaN : covariance / variance;
}

function layerSummaries(recent: readonly MonitorRecord[]): LayerSummary[] {
  const latest = recent[recent.length - 1]!;
  const norms = latest.layers.map((_, i) => median(recent.map((record) => record.layers[i]?.gradientNorm ?? Number.NaN)));
  return latest.layers.map((layer, i) => {
    const next = norms[i + 1];
    const rate = next === undefined ? undefined : 10 * (Math.log10(next) - Math.log10(norms[i]!));
    return {
      name: layer.name,
      depth: layer.depth,
      gradientNorm: norms[i]!,
      updateRatio: median(recent.map((record) => record.layers[i]?.updateRatio ?? Number.NaN)),
      ...(rate !== undefined && Number.isFinite(rate) ? { decadesPer10Layers: rate } : {}),
    };
  });
}

/**
 * Diagnoses a run from its history: which detectors fired (and where first), the first and last
 * layers' gradient norms, how fast gradients decay or grow with depth (orders of magnitude per 10
 * layers, from a least-squares fit of log10 ‖∇W_l‖ against depth over the last 5 records), and
 * the remedies the events suggested.
 *
 * @example
 * console.log(summarize(watcher.history).text);
 */
export function summarize(history: MonitorHistory): MonitorSummary {
  const records = history.records;
  const losses = history.losses;
  const fired = new Map<string, { count: number; firstStep: number; layers: Set<string> }>();
  const remedyCount = new Map<string, number>();
  for (const event of history.events) {
    const entry = fired.get(event.detector) ?? { count: 0, firstStep: event.step, layers: new Set<string>() };
    entry.count++;
    event.layers.forEach((layer) => entry.layers.add(layer));
    fired.set(event.detector, entry);
    event.remedies.forEach((remedy) => remedyCount.set(remedy, (remedyCount.get(remedy) ?? 0) + 1));
  }
  const firedList = [...fired].map(([detector, { count, firstStep, layers }]) => ({ detector, count, firstStep, layers: [...layers] }));
  const remedies = [...remedyCount].sort((a, b) => b[1] - a[1]).map(([remedy]) => remedy);
  const lossInfo = {
    ...(losses.length ? { firstLoss: losses[0]!.loss, lastLoss: losses[losses.length - 1]!.loss } : {}),
  };
  if (records.length === 0) {
    return { diagnosis: 'no data', records: 0, fired: firedList, layers: [], remedies, ...lossInfo, text: 'monitor: no records yet' };
  }
  const recent = records.slice(-5);
  const layers = layerSummaries(recent);
  const rate = 10 * slope(layers.map((layer) => layer.depth), layers.map((layer) => Math.log10(layer.gradientNorm)));
  const firedNames = new Set(fired.keys());
  const diagnosis: MonitorSummary['diagnosis'] = firedNames.has('nonFiniteValues')
    ? 'non-finite'
    : firedNames.has('explodingGradients')
      ? 'exploding'
      : firedNames.has('vanishingGradients')
        ? 'vanishing'
        : firedNames.size > 0
          ? 'unhealthy'
          : 'healthy';
  const firstLayer = layers[0]!;
  const lastLayer = layers[layers.length - 1]!;
  const lines = [
    `diagnosis: ${diagnosis} (${records.length} records, last step ${records[records.length - 1]!.step})`,
    ...(lossInfo.firstLoss !== undefined ? [`loss: ${formatNumber(lossInfo.firstLoss)} → ${formatNumber(lossInfo.lastLoss!)}`] : []),
    `gradient norm: first layer ${firstLayer.name} ${formatNumber(firstLayer.gradientNorm)}, last layer ${lastLayer.name} ${formatNumber(lastLayer.gradientNorm)}`,
    ...(Number.isFinite(rate)
      ? [
          rate >= 0
            ? `gradients shrink by ${formatNumber(rate)} orders of magnitude per 10 layers towards the input`
            : `gradients grow by ${formatNumber(-rate)} orders of magnitude per 10 layers towards the input`,
        ]
      : []),
    ...firedList.map(
      (entry) => `${entry.detector} fired ${entry.count}× (first at step ${entry.firstStep}) in ${entry.layers.slice(0, 6).join(', ')}${entry.layers.length > 6 ? ' …' : ''}`,
    ),
    ...(remedies.length ? ['try:', ...remedies.map((remedy) => `  - ${remedy}`)] : []),
  ];
  return {
    diagnosis,
    records: records.length,
    lastStep: records[records.length - 1]!.step,
    ...lossInfo,
    fired: firedList,
    firstLayer,
    lastLayer,
    ...(Number.isFinite(rate) ? { decadesPer10Layers: rate } : {}),
    layers,
    remedies,
    text: lines.join('\n'),
  };
}
