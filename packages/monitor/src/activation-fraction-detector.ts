import { rejectUnknownOptions, requireInRange, requireInteger } from '@gs/core';
import { actionOption, formatLayerList, PatienceCounter, type Detector, type DetectorAction, type DetectorEvent } from './detector.js';
import type { ActivationStats, LayerStats, MonitorRecord } from './monitor-record.js';

/** Options shared by the detectors that watch a per-layer fraction of the probe's activations. */
export interface ActivationFractionOptions {
  /** A layer is flagged when its fraction is above this. Default 0.5. */
  fraction?: number;
  /** Probe steps in a row the condition must hold. Default 1. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

/** What distinguishes one activation-fraction detector from another. */
interface ActivationFractionRule {
  /** The detector's name (also used in error messages). */
  name: string;
  /** Which fraction of `ActivationStats` it watches. */
  statistic: 'deadFraction' | 'saturatedFraction';
  /** The event message, given the worst layer, its fraction and every flagged layer. */
  describe: (step: number, worst: LayerStats, value: number, flagged: string, count: number, fraction: number) => string;
  /** Remedies listed in the event. */
  remedies: readonly string[];
}

/**
 * Builds a detector that fires when some layer's fraction of the probe's activations (dead ReLU
 * units, saturated sigmoid/tanh outputs) stays above `fraction` for `patience` probe steps, and
 * names the worst layer. Shared by `deadUnits` and `saturation`.
 */
export function activationFractionDetector(rule: ActivationFractionRule, options: ActivationFractionOptions): Detector {
  const where = rule.name;
  rejectUnknownOptions(where, options, ['fraction', 'patience', 'action']);
  const fraction = requireInRange(where, 'fraction', options.fraction ?? 0.5, 0, 1, { highOpen: true });
  const patience = requireInteger(where, 'patience', options.patience ?? 1);
  const action = actionOption(where, options.action);
  const counter = new PatienceCounter(patience);
  const valueOf = (layer: LayerStats) => (layer.activations as ActivationStats | undefined)?.[rule.statistic] ?? 0;
  return {
    name: where,
    action,
    check(record: MonitorRecord): DetectorEvent[] {
      if (!record.layers.some((layer) => layer.activations)) return [];
      const flagged = record.layers.filter((layer) => valueOf(layer) > fraction);
      if (!counter.update('any', flagged.length > 0)) return [];
      const worst = flagged.reduce((a, b) => (valueOf(b) > valueOf(a) ? b : a));
      const value = valueOf(worst);
      const names = flagged.map((layer) => layer.name);
      return [
        {
          detector: where,
          step: record.step,
          layer: worst.name,
          depth: worst.depth,
          layers: names,
          value,
          message: rule.describe(record.step, worst, value, formatLayerList(names), flagged.length, fraction),
          remedies: [...rule.remedies],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}

