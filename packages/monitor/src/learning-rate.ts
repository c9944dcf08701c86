import { rejectUnknownOptions, requireInteger, requirePositive } from '@gs/core';
import {
  actionOption,
  formatNumber,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
} from './detector.js';
import type { LayerStats, MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `learningRate`. */
export interface LearningRateOptions {
  /** "Too high" when the median update-to-weight ratio of the weight layers is above this. Default 0.1 (100× the rule of thumb). */
  high?: number;
  /** "Too low / stalled" when every weight layer's ratio is below this. Default 1e-5 (100× below the rule of thumb). */
  low?: number;
  /** Reports in a row the "too high" condition must hold. Default 1. */
  patience?: number;
  /** Reports in a row the "too low" condition must hold. Default 10. */
  lowPatience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['high', 'low', 'patience', 'lowPatience', 'action'] as const;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The layers whose update ratio says something about the learning rate: weight layers (not gates,
 * scalars, normalization) whose weights did not start at zero (there ‖ΔW‖/‖W‖ is ∞ or ~1/t by
 * construction), with a finite ratio.
 */
function judgedLayers(record: MonitorRecord, context: DetectorContext): LayerStats[] {
  return record.layers.filter((layer) => {
    if (!Number.isFinite(layer.updateRatio)) return false;
    const info = context.architecture?.layers.get(layer.name);
    if (context.architecture && !info?.weightLayer) return false;
    return context.initialWeights?.get(layer.name)?.zero !== true;
  });
}

/**
 * Detects a learning rate that is too high or too low from the update-to-weight ratio
 * r_l = ‖W_l,t+1 − W_l,t‖ / ‖W_l,t‖ the monitor records for every layer. The rule of thumb is
 * r ≈ 1e-3 ("if it is lower the learning rate might be too low, if higher it is likely too high");
 * around 1e-2 is still healthy for small networks. The detector fires on evidence far from it:
 * - **too high**: the median r over the weight layers is above `high` (default 0.1) for `patience`
 *   reports — each step rewrites a tenth of the weights or more;
 * - **too low / stalled**: every weight layer's r is below `low` (default 1e-5) for `lowPatience`
 *   reports (default 10).
 * Gates, scalars, normalization layers and layers whose weights started at zero are left out.
 * Needs `monitor({ updateRatios: true })` (the default).
 *
 * Source: Karpathy, CS231n notes "Neural Networks Part 3: Learning and Evaluation", section
 * "Ratio of weights:updates" (https://cs231n.github.io/neural-networks-3/#ratio).
 *
 * @example
 * monitor({ detectors: [learningRate({ high: 0.05, action: 'stop' })] });
 */
export function learningRate(options: LearningRateOptions = {}): Detector {
  const where = 'learningRate';
  rejectUnknownOptions(where, options, OPTIONS);
  const high = requirePositive(where, 'high', options.high ?? 0.1);
  const low = requirePositive(where, 'low', options.low ?? 1e-5);
  if (low >= high) throw new RangeError(`${where}: low must be below high, got low ${low} and high ${high}`);
  const patience = requireInteger(where, 'patience', options.patience ?? 1);
  const lowPatience = requireInteger(where, 'lowPatience', options.lowPatience ?? 10);
  const action = actionOption(where, options.action);
  const highCounter = new PatienceCounter(patience);
  const lowCounter = new PatienceCounter(lowPatience);
  return {
    name: where,
    action,
    check(record: MonitorRecord, context: DetectorContext): DetectorEvent[] {
      const layers = judgedLayers(record, context);
      const ratios = layers.map((layer) => layer.updateRatio);
      const typical = ratios.length > 0 ? median(ratios) : Number.NaN;
      const events: DetectorEvent[] = [];
      if (highCounter.update('high', ratios.length > 0 && typical > high)) {
        const largest = layers.reduce((a, b) => (b.updateRatio > a.updateRatio ? b : a));
        events.push({
          detector: where,
          verdict: 'learning rate too high',
          step: record.step,
          layer: largest.name,
          depth: largest.depth,
          layers: layers.filter((layer) => layer.updateRatio > high).map((layer) => layer.name),
          value: typical,
          message:
            `learning rate too high at step ${record.step}: the update-to-weight ratio ‖ΔW‖/‖W‖ has median ` +
            `${formatNumber(typical)} over ${layers.length} weight layer(s) (largest ${formatNumber(largest.updateRatio)} at ` +
            `${largest.name}); healthy is about 1e-3 (CS231n), so each step rewrites ${formatNumber(100 * typical)}% of the weights.`,
          remedies: [REMEDIES.lowerLearningRate, REMEDIES.warmup, REMEDIES.clipGlobal],
          action,
        });
      }
      if (lowCounter.update('low', ratios.length > 0 && ratios.every((ratio) => ratio < low))) {
        const largest = Math.max(...ratios);
        events.push({
          detector: where,
          verdict: 'learning rate too low',
          step: record.step,
          layers: layers.map((layer) => layer.name),
          value: typical,
          message:
            `learning rate too low at step ${record.step}: every weight layer's update-to-weight ratio ‖ΔW‖/‖W‖ is below ` +
            `${formatNumber(low)} (median ${formatNumber(typical)}, largest ${formatNumber(largest)}) for ${lowPatience} reported ` +
            `step(s); healthy is about 1e-3 (CS231n): training has stalled.`,
          remedies: [REMEDIES.raiseLearningRate, REMEDIES.adaptiveOptimizer],
          action,
        });
      }
      return events;
    },
    reset: () => {
      highCounter.reset();
      lowCounter.reset();
    },
  };
}
