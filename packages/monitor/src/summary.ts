import { invalidOption } from '@gs/core';
import { formatNumber, requireEvent, SOURCE_PHRASES, type DetectorEvent, type NonFiniteSource, type Verdict } from './detector.js';
import type { MonitorHistory } from './monitor-history.js';
import type { MonitorRecord } from './monitor-record.js';
import { requireArray } from './argument-checks.js';
import { rankRemedies, requireTrainingSetup, type TrainingSetup } from './rank-remedies.js';
import { remedyText, type Remedy } from './remedy.js';

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

/**
 * The overall verdict of a run: `healthy` (no event), one of the detectors' verdicts, `unhealthy`
 * (only custom detectors without a verdict fired) or `no data`.
 */
export type Diagnosis = 'no data' | 'healthy' | Verdict | 'unhealthy';

/** The end-of-run diagnosis returned by `monitor.summary()` / `summarize(history)`. */
export interface MonitorSummary {
  /** The overall verdict (see `Diagnosis`): the first event's, ties broken by `VERDICT_PRIORITY`. */
  readonly diagnosis: Diagnosis;
  /** The event the verdict rests on. */
  readonly primary?: DetectorEvent;
  /** The layer the verdict names. */
  readonly layer?: string;
  /** For a non-finite verdict: where the first NaN/Inf came from. */
  readonly source?: NonFiniteSource;
  /** The numbers behind the verdict, in one sentence (the primary event's message). */
  readonly evidence?: string;
  /** Ranked remedies for the verdict (and then for the other events), each with the call that applies it. */
  readonly fixes: readonly Remedy[];
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
  /** The remedies as text, in the order of `fixes` (or, without a verdict, most frequent first). */
  readonly remedies: readonly string[];
  /** The whole summary as readable text. */
  readonly text: string;
}

/** The text states the per-10-layer slope only for nets at least this deep. */
const MIN_LAYERS_FOR_SLOPE_TEXT = 4;

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
 * Which verdict wins when several events fire at the same step: causes before symptoms. A NaN
 * from the data, the loss or the forward pass comes first; exploding gradients explain large
 * update ratios, and a too-high learning rate explains dead units; dead or saturated units explain
 * vanishing gradients; a NaN made by the update or the backward pass follows what caused it.
 */
export const VERDICT_PRIORITY: readonly string[] = [
  'non-finite:data',
  'non-finite:loss',
  'non-finite:forward',
  'exploding',
  'learning rate too high',
  'dead units',
  'saturated',
  'non-finite:backward',
  'non-finite:update',
  'non-finite',
  'vanishing',
  'learning rate too low',
];

function priority(event: DetectorEvent): number {
  const key = event.verdict === 'non-finite' && event.source ? `non-finite:${event.source}` : (event.verdict ?? '');
  const index = VERDICT_PRIORITY.indexOf(key);
  return index < 0 ? VERDICT_PRIORITY.length : index;
}

/** The step at which an event's condition began (a detector with patience fires later). */
function onsetOf(event: DetectorEvent): number {
  return event.onset ?? event.step;
}

/**
 * The event a run's verdict rests on: the event with a verdict whose condition began earliest
 * (`onset`, else `step`: the first sign of trouble is closest to its cause — a detector's patience
 * must not let a later symptom win), ties broken by `VERDICT_PRIORITY`.
 */
export function primaryEvent(events: readonly DetectorEvent[]): DetectorEvent | undefined {
  return requireArray<DetectorEvent>('primaryEvent', 'events', events, 'an array of DetectorEvent')
    .map((event, index) => requireEvent('primaryEvent', `events[${index}]`, event))
    .filter((event) => event.verdict !== undefined)
    .reduce<DetectorEvent | undefined>((best, event) => {
      if (!best) return event;
      if (onsetOf(event) !== onsetOf(best)) return onsetOf(event) < onsetOf(best) ? event : best;
      return priority(event) < priority(best) ? event : best;
    }, undefined);
}

/**
 * Diagnoses a run from its history: the verdict (healthy, vanishing, exploding, non-finite,
 * saturated, dead units, learning rate too high / too low) from the earliest event, ties broken by
 * `VERDICT_PRIORITY`, with the layer, the NaN source and the numbers behind it; which detectors fired
 * (and where first); the first and last layers' gradient norms; how fast gradients decay or grow
 * with depth (orders of magnitude per 10 layers, from a least-squares fit of log10 ‖∇W_l‖ against
 * depth over the last 5 records); and the remedies, ranked for the model when `setup` is given
 * (`monitor.summary()` passes it).
 *
 * @example
 * console.log(summarize(watcher.history).text);
 */
export function summarize(history: MonitorHistory, setup?: TrainingSetup): MonitorSummary {
  const isHistory =
    history !== null && typeof history === 'object' && [history.records, history.losses, history.events].every((list) => Array.isArray(list));
  if (!isHistory) invalidOption('summarize', 'history', 'a MonitorHistory (monitor.history)', history);
  if (setup !== undefined) requireTrainingSetup('summarize', setup);
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
  const primary = primaryEvent(history.events);
  const fixes: Remedy[] = [];
  const ranked = (event: DetectorEvent) =>
    setup ? rankRemedies(event, { ...setup, records: setup.records?.filter((record) => record.step <= event.step) }) : (event.fixes ?? []);
  // The verdict's remedies first, then the best remedy for each other verdict found at the same
  // step (later events are usually consequences of the first: dead units after a too-high rate).
  const addFix = (fix: Remedy | undefined) => {
    if (fix && !fixes.some((known) => known.id === fix.id)) fixes.push(fix);
  };
  if (primary) ranked(primary).forEach(addFix);
  const verdicts = new Set(primary?.verdict ? [primary.verdict] : []);
  for (const event of history.events) {
    if (!event.verdict || verdicts.has(event.verdict) || (primary && onsetOf(event) !== onsetOf(primary))) continue;
    verdicts.add(event.verdict);
    addFix(ranked(event).find((fix) => !fixes.some((known) => known.id === fix.id)));
  }
  const remedies = fixes.length > 0 ? fixes.map(remedyText) : [...remedyCount].sort((a, b) => b[1] - a[1]).map(([remedy]) => remedy);
  const lossInfo = {
    ...(losses.length ? { firstLoss: losses[0]!.loss, lastLoss: losses[losses.length - 1]!.loss } : {}),
  };
  const verdictInfo = primary
    ? {
        primary,
        ...(primary.layer ? { layer: primary.layer } : {}),
        ...(primary.source ? { source: primary.source } : {}),
        evidence: primary.message,
      }
    : {};
  if (records.length === 0) {
    return {
      diagnosis: primary?.verdict ?? 'no data',
      records: 0,
      fired: firedList,
      layers: [],
      remedies,
      fixes,
      ...verdictInfo,
      ...lossInfo,
      text: 'monitor: no records yet',
    };
  }
  const recent = records.slice(-5);
  const layers = layerSummaries(recent);
  const rate = 10 * slope(layers.map((layer) => layer.depth), layers.map((layer) => Math.log10(layer.gradientNorm)));
  const diagnosis: Diagnosis = primary?.verdict ?? (history.events.length > 0 ? 'unhealthy' : 'healthy');
  const firstLayer = layers[0]!;
  const lastLayer = layers[layers.length - 1]!;
  const where = primary
    ? ` at step ${primary.step}${onsetOf(primary) < primary.step ? ` (since step ${onsetOf(primary)})` : ''}${primary.layer ? `, layer ${primary.layer}` : ''}${primary.source ? `, from ${SOURCE_PHRASES[primary.source]}` : ''}`
    : '';
  const lines = [
    `diagnosis: ${diagnosis}${where} (${records.length} records, last step ${records[records.length - 1]!.step})`,
    ...(primary ? [`evidence: ${primary.message}`] : []),
    ...(lossInfo.firstLoss !== undefined ? [`loss: ${formatNumber(lossInfo.firstLoss)} → ${formatNumber(lossInfo.lastLoss!)}`] : []),
    `gradient norm: first layer ${firstLayer.name} ${formatNumber(firstLayer.gradientNorm)}, last layer ${lastLayer.name} ${formatNumber(lastLayer.gradientNorm)}`,
    // A slope "per 10 layers" extrapolated from two or three layers says nothing: deep nets only.
    ...(Number.isFinite(rate) && layers.length >= MIN_LAYERS_FOR_SLOPE_TEXT
      ? [
          rate >= 0
            ? `gradients shrink by ${formatNumber(rate)} orders of magnitude per 10 layers towards the input`
            : `gradients grow by ${formatNumber(-rate)} orders of magnitude per 10 layers towards the input`,
        ]
      : []),
    ...firedList.map(
      (entry) => `${entry.detector} fired ${entry.count}× (first at step ${entry.firstStep}) in ${entry.layers.slice(0, 6).join(', ')}${entry.layers.length > 6 ? ' …' : ''}`,
    ),
    ...(remedies.length ? [`try${fixes.length ? ' (ranked for this run)' : ''}:`, ...remedies.map((remedy, i) => `  ${i + 1}. ${remedy}`)] : []),
  ];
  return {
    diagnosis,
    ...verdictInfo,
    fixes,
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
