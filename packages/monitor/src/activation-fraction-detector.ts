import { requireInRange, requireInteger, requireOptions } from '@gs/core';
import {
  actionOption,
  formatLayerList,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
  type Verdict,
} from './detector.js';
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
  /** The verdict its events carry. */
  verdict: Verdict;
  /** The event message, given the first flagged layer, its fraction and every flagged layer. */
  describe: (step: number, first: LayerStats, value: number, flagged: string, count: number, fraction: number) => string;
  /** Remedies listed in the event. */
  remedies: readonly string[];
  /**
   * Leave out the model's output layers (when the architecture is known): a confident sigmoid or
   * softmax head is the goal of training, not a fault.
   */
  skipOutputs?: boolean;
}

/**
 * Builds a detector that fires when some layer's fraction of the probe's activations (dead ReLU
 * units, saturated sigmoid/tanh outputs) stays above `fraction` for `patience` probe steps, and
 * names the first such layer in forward order (where the problem starts: the layers after it see
 * its dead or saturated outputs). Layers whose probe output is non-finite are left to
 * `nonFiniteValues`. Shared by `deadUnits` and `saturation`.
 */
export function activationFractionDetector(rule: ActivationFractionRule, options: ActivationFractionOptions): Detector {
  const where = rule.name;
  const opts = requireOptions<ActivationFractionOptions>(where, options, ['fraction', 'patience', 'action']);
  const fraction = requireInRange(where, 'fraction', opts.fraction ?? 0.5, 0, 1, { highOpen: true });
  const patience = requireInteger(where, 'patience', opts.patience ?? 1);
  const action = actionOption(where, opts.action);
  const counter = new PatienceCounter(patience);
  const valueOf = (layer: LayerStats) => (layer.activations as ActivationStats | undefined)?.[rule.statistic] ?? 0;
  return {
    name: where,
    action,
    check(record: MonitorRecord, context?: DetectorContext): DetectorEvent[] {
      if (!record.layers.some((layer) => layer.activations)) return [];
      const head = (layer: LayerStats) => rule.skipOutputs === true && context?.architecture?.layers.get(layer.name)?.output === true;
      const flagged = record.layers
        .filter((layer) => {
          if (head(layer)) return false;
          const stats = layer.activations as ActivationStats | undefined;
          return stats !== undefined && Number.isFinite(stats.mean) && Number.isFinite(stats.std) && valueOf(layer) > fraction;
        })
        .sort((a, b) => a.depth - b.depth);
      if (!counter.update('any', flagged.length > 0, record.step)) return [];
      const first = flagged[0]!;
      const value = valueOf(first);
      const names = flagged.map((layer) => layer.name);
      return [
        {
          detector: where,
          verdict: rule.verdict,
          step: record.step,
          onset: counter.onset('any') ?? record.step,
          layer: first.name,
          depth: first.depth,
          layers: names,
          value,
          message: rule.describe(record.step, first, value, formatLayerList(names), flagged.length, fraction),
          remedies: [...rule.remedies],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}

