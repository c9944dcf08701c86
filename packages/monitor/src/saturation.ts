import { rejectUnknownOptions, requireInRange, requireInteger } from '@gs/core';
import { actionOption, formatLayerList, formatNumber, PatienceCounter, type Detector, type DetectorAction, type DetectorEvent } from './detector.js';
import type { MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `saturation`. */
export interface SaturationOptions {
  /** A layer is saturated when more than this fraction of its outputs are saturated. Default 0.5. */
  fraction?: number;
  /** Probe steps in a row the condition must hold. Default 1. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

/**
 * Detects saturated sigmoid/tanh layers from the probe batch's activation statistics: more than
 * `fraction` of a layer's outputs sit where the activation is flat, so its gradient vanishes there
 * (the seed note's sigmoid gradient on [-8, 8)). Needs `monitor({ probe })`.
 *
 * Condition: saturatedFraction_l > fraction. Defaults: fraction 0.5, patience 1, action 'warn'.
 * Source: Glorot & Bengio 2010 (saturation of top hidden layers with sigmoid).
 *
 * @example
 * monitor({ probe: xs.slice(0, 64), detectors: [saturation({ fraction: 0.3 })] });
 */
export function saturation(options: SaturationOptions = {}): Detector {
  const where = 'saturation';
  rejectUnknownOptions(where, options, ['fraction', 'patience', 'action']);
  const fraction = requireInRange(where, 'fraction', options.fraction ?? 0.5, 0, 1, { highOpen: true });
  const patience = requireInteger(where, 'patience', options.patience ?? 1);
  const action = actionOption(where, options.action);
  const counter = new PatienceCounter(patience);
  return {
    name: where,
    action,
    check(record: MonitorRecord): DetectorEvent[] {
      if (!record.layers.some((layer) => layer.activations)) return [];
      const saturated = record.layers.filter((layer) => (layer.activations?.saturatedFraction ?? 0) > fraction);
      if (!counter.update('any', saturated.length > 0)) return [];
      const worst = saturated.reduce((a, b) => (b.activations!.saturatedFraction! > a.activations!.saturatedFraction! ? b : a));
      const value = worst.activations!.saturatedFraction!;
      return [
        {
          detector: where,
          step: record.step,
          layer: worst.name,
          depth: worst.depth,
          layers: saturated.map((layer) => layer.name),
          value,
          message:
            `saturation at step ${record.step}: ${formatNumber(100 * value)}% of layer ${worst.name}'s ` +
            `(depth ${worst.depth}, ${worst.activation}) outputs are saturated; ${saturated.length} layer(s) above ` +
            `${formatNumber(100 * fraction)}%: ${formatLayerList(saturated.map((layer) => layer.name))}. Gradients through them vanish.`,
          remedies: [REMEDIES.preActivationScale, REMEDIES.reluHe, REMEDIES.normalization],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
