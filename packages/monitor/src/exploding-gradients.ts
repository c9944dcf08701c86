import { requireInteger, requireNonNegative, requireOptions, requirePositive } from '@gs/core';
import {
  actionOption,
  formatLayerList,
  formatNumber,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
} from './detector.js';
import { AMPLIFYING, amplification } from './initial-weights.js';
import { rawGradientNorm, type LayerStats, type MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `explodingGradients`. */
export interface ExplodingGradientsOptions {
  /** A layer explodes when its gradient norm exceeds this (±Infinity included). Default 1e3. */
  threshold?: number;
  /** …or when the global norm exceeds `growth` × the median global norm of the previous `window` reports. Default 100. */
  growth?: number;
  /** How many previous reports the growth test compares with. Default 10. */
  window?: number;
  /** The growth test also needs ‖∇W‖ above this absolute level (a jump from 1e-8 to 1e-3 is not an explosion). Default 1. */
  minimum?: number;
  /**
   * A layer above `threshold` counts only when its update-to-weight ratio is above this too (the
   * large gradient made a large step), or the initial weights amplify the signal ≥ 2×, or the ratio
   * is unknown. A large gradient from a large loss (targets in the thousands) that Adam or clipping
   * turns into an ordinary step is not an explosion. Default 0.1.
   */
  updateRatio?: number;
  /** Reported steps in a row the condition must hold before the event. Default 1. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['threshold', 'growth', 'window', 'minimum', 'updateRatio', 'patience', 'action'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}


/**
 * The layer where an explosion starts: the first weight layer in forward order whose initial
 * weights amplify the signal ≥ 2× (a = g / gain(activation), compounded over the sequence for a
 * recurrent kernel); without that evidence, the layer with the largest gradient norm.
 */
function origin(record: MonitorRecord, context: DetectorContext): { layer: LayerStats; amplification?: number } {
  const largest = record.layers.reduce((best, layer) =>
    rawGradientNorm(layer) > rawGradientNorm(best) || Number.isNaN(rawGradientNorm(best)) ? layer : best,
  );
  const architecture = context.architecture;
  if (!architecture || !context.initialWeights) return { layer: largest };
  for (const layer of [...record.layers].sort((a, b) => a.depth - b.depth)) {
    const info = architecture.layers.get(layer.name);
    if (!info?.weightLayer) continue;
    const gain = amplification(info, context.initialWeights.get(layer.name));
    if (gain >= AMPLIFYING) return { layer, amplification: gain };
  }
  return { layer: largest };
}

/**
 * Detects exploding gradients: a layer whose gradient norm is above `threshold` while that makes a
 * large step (its update-to-weight ratio is above `updateRatio`) or the initial weights amplify the
 * signal, or a global norm that jumped by more than `growth`× over its recent median while above the
 * absolute level `minimum`, for `patience` reported steps in a row. An absolute level alone is not
 * evidence: the gradient norm scales with the loss, so regression targets in the thousands give
 * norms of 1e4 in a healthy net, and Adam-like optimizers (and clipping) turn them into ordinary
 * steps. Names the layer where the explosion starts: the first layer (forward order) whose initial
 * weights amplify the signal ≥ 2× — e.g. N(0, 1) kernels in a ReLU net, a recurrent kernel with
 * spectral radius > 1 over a long sequence — else the layer with the largest gradient norm.
 *
 * Condition: some layer has ‖∇W_l‖ > threshold and (‖ΔW_l‖/‖W_l‖ > updateRatio, or unknown, or an
 * amplifying initial layer exists); or ‖∇W‖ > max(growth · median(‖∇W‖ of the previous `window`
 * reports), minimum). Norms are the raw gradients (before any plugin).
 * Defaults: threshold 1e3, updateRatio 0.1, growth 100, window 10, minimum 1, patience 1, action 'warn'.
 * Source: Pascanu, Mikolov & Bengio 2013 (exploding gradients and norm clipping).
 *
 * @example
 * monitor({ detectors: [explodingGradients({ threshold: 100, action: 'throw' })] });
 */
export function explodingGradients(options: ExplodingGradientsOptions = {}): Detector {
  const where = 'explodingGradients';
  const opts = requireOptions<ExplodingGradientsOptions>(where, options, OPTIONS);
  const threshold = requirePositive(where, 'threshold', opts.threshold ?? 1e3);
  const growth = requirePositive(where, 'growth', opts.growth ?? 100);
  const window = requireInteger(where, 'window', opts.window ?? 10);
  const minimum = requireNonNegative(where, 'minimum', opts.minimum ?? 1);
  const largeStep = requireNonNegative(where, 'updateRatio', opts.updateRatio ?? 0.1);
  const patience = requireInteger(where, 'patience', opts.patience ?? 1);
  const action = actionOption(where, opts.action);
  const counter = new PatienceCounter(patience);
  return {
    name: where,
    action,
    check(record: MonitorRecord, context: DetectorContext): DetectorEvent[] {
      if (record.layers.length === 0) return [];
      const { layer: start, amplification: gain } = origin(record, context);
      // An absolute level is an explosion when it moves the weights a lot (or the init amplifies);
      // NaN ratio: not measured, or the update overflowed — judged by the level alone.
      const large = record.layers.filter(
        (layer) => rawGradientNorm(layer) > threshold && (gain !== undefined || !(layer.updateRatio <= largeStep)),
      );
      const globalNorm = Math.sqrt(record.layers.reduce((sum, layer) => sum + rawGradientNorm(layer) ** 2, 0));
      const previous = context.history
        .filter((earlier) => earlier.step < record.step && Number.isFinite(earlier.gradientNorm))
        .slice(-window)
        .map((earlier) => Math.sqrt(earlier.layers.reduce((sum, layer) => sum + rawGradientNorm(layer) ** 2, 0)));
      const typical = previous.length > 0 ? median(previous) : Number.NaN;
      const grew = previous.length > 0 && typical > 0 && globalNorm > growth * typical && globalNorm > minimum;
      if (!counter.update('any', large.length > 0 || grew, record.step)) return [];
      const names = (large.length > 0 ? large : [start]).map((layer) => layer.name);
      const reason =
        large.length > 0
          ? `${large.length} layer(s) above ${formatNumber(threshold)}${gain === undefined ? ` whose steps move the weights by more than ${formatNumber(100 * largeStep)}%` : ''}: ${formatLayerList(names)}`
          : `the global norm ${formatNumber(globalNorm)} is ${formatNumber(globalNorm / typical)}× its recent median ${formatNumber(typical)}`;
      const why =
        gain !== undefined
          ? ` It starts at ${start.name}, whose initial weights amplify the signal ${formatNumber(gain)}× (1 keeps it).`
          : '';
      return [
        {
          detector: where,
          verdict: 'exploding',
          step: record.step,
          onset: counter.onset('any') ?? record.step,
          layer: start.name,
          depth: start.depth,
          layers: names,
          value: rawGradientNorm(start),
          message:
            `exploding gradients at step ${record.step}: layer ${start.name} (depth ${start.depth}) has gradient norm ` +
            `${formatNumber(rawGradientNorm(start))}; ${reason}.${why} Updates this large wreck the weights and lead to NaN.`,
          remedies: [REMEDIES.clipGlobal, REMEDIES.xavier, REMEDIES.reluHe, REMEDIES.normalization, REMEDIES.lowerLearningRate, REMEDIES.agc],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
