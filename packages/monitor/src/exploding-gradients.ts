import { rejectUnknownOptions, requireInteger, requirePositive } from '@gs/core';
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
import type { MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `explodingGradients`. */
export interface ExplodingGradientsOptions {
  /** A layer explodes when its gradient norm exceeds this (±Infinity included). Default 1e3. */
  threshold?: number;
  /** …or when the global norm exceeds `growth` × the median global norm of the previous `window` reports. Default 100. */
  growth?: number;
  /** How many previous reports the growth test compares with. Default 10. */
  window?: number;
  /** Reported steps in a row the condition must hold before the event. Default 1. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['threshold', 'growth', 'window', 'patience', 'action'] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Detects exploding gradients: a layer whose gradient norm is above `threshold`, or a global norm
 * that jumped by more than `growth`× over its recent median, for `patience` reported steps in a
 * row. The event names the layer with the largest norm (with N(0,1) weights in a ReLU net that is
 * the layer nearest the input, where the product of Jacobians is longest).
 *
 * Condition: max_l ‖∇W_l‖ > threshold, or ‖∇W‖ > growth · median(‖∇W‖ of the previous `window` reports).
 * Defaults: threshold 1e3, growth 100, window 10, patience 1, action 'warn'.
 * Source: Pascanu, Mikolov & Bengio 2013 (exploding gradients and norm clipping).
 *
 * @example
 * monitor({ detectors: [explodingGradients({ threshold: 100, action: 'throw' })] });
 */
export function explodingGradients(options: ExplodingGradientsOptions = {}): Detector {
  const where = 'explodingGradients';
  rejectUnknownOptions(where, options, OPTIONS);
  const threshold = requirePositive(where, 'threshold', options.threshold ?? 1e3);
  const growth = requirePositive(where, 'growth', options.growth ?? 100);
  const window = requireInteger(where, 'window', options.window ?? 10);
  const patience = requireInteger(where, 'patience', options.patience ?? 1);
  const action = actionOption(where, options.action);
  const counter = new PatienceCounter(patience);
  return {
    name: where,
    action,
    check(record: MonitorRecord, { history }: DetectorContext): DetectorEvent[] {
      const large = record.layers.filter((layer) => layer.gradientNorm > threshold);
      const previous = history
        .filter((earlier) => earlier.step < record.step && Number.isFinite(earlier.gradientNorm))
        .slice(-window)
        .map((earlier) => earlier.gradientNorm);
      const typical = previous.length > 0 ? median(previous) : Number.NaN;
      const grew = previous.length > 0 && typical > 0 && record.gradientNorm > growth * typical;
      if (!counter.update('any', large.length > 0 || grew)) return [];
      const worst = record.layers.reduce(
        (best, layer) => (layer.gradientNorm > best.gradientNorm || Number.isNaN(best.gradientNorm) ? layer : best),
        record.layers[0]!,
      );
      const names = (large.length > 0 ? large : [worst]).map((layer) => layer.name);
      const reason =
        large.length > 0
          ? `${large.length} layer(s) above ${formatNumber(threshold)}: ${formatLayerList(names)}`
          : `the global norm ${formatNumber(record.gradientNorm)} is ${formatNumber(record.gradientNorm / typical)}× its recent median ${formatNumber(typical)}`;
      return [
        {
          detector: where,
          step: record.step,
          layer: worst.name,
          depth: worst.depth,
          layers: names,
          value: worst.gradientNorm,
          message:
            `exploding gradients at step ${record.step}: layer ${worst.name} (depth ${worst.depth}) has gradient norm ` +
            `${formatNumber(worst.gradientNorm)}; ${reason}. Updates this large wreck the weights and lead to NaN.`,
          remedies: [REMEDIES.clipGlobal, REMEDIES.xavier, REMEDIES.reluHe, REMEDIES.normalization, REMEDIES.lowerLearningRate, REMEDIES.agc],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
