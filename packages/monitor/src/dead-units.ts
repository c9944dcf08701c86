import { rejectUnknownOptions, requireInRange, requireInteger } from '@gs/core';
import { actionOption, formatLayerList, formatNumber, PatienceCounter, type Detector, type DetectorAction, type DetectorEvent } from './detector.js';
import type { MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `deadUnits`. */
export interface DeadUnitsOptions {
  /** A layer is flagged when more than this fraction of its ReLU units are dead. Default 0.5. */
  fraction?: number;
  /** Probe steps in a row the condition must hold. Default 1. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

/**
 * Detects dead ReLU units from the probe batch: units (last axis) whose output is 0 for every
 * probe example get no gradient and never recover. Needs `monitor({ probe })`.
 *
 * Condition: deadFraction_l > fraction. Defaults: fraction 0.5, patience 1, action 'warn'.
 * Source: Lu et al. 2019, "Dying ReLU and Initialization"; Maas et al. 2013 (leaky ReLU).
 *
 * @example
 * monitor({ probe: xs.slice(0, 64), detectors: [deadUnits({ fraction: 0.25 })] });
 */
export function deadUnits(options: DeadUnitsOptions = {}): Detector {
  const where = 'deadUnits';
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
      const dead = record.layers.filter((layer) => (layer.activations?.deadFraction ?? 0) > fraction);
      if (!counter.update('any', dead.length > 0)) return [];
      const worst = dead.reduce((a, b) => (b.activations!.deadFraction! > a.activations!.deadFraction! ? b : a));
      const value = worst.activations!.deadFraction!;
      return [
        {
          detector: where,
          step: record.step,
          layer: worst.name,
          depth: worst.depth,
          layers: dead.map((layer) => layer.name),
          value,
          message:
            `dead units at step ${record.step}: ${formatNumber(100 * value)}% of layer ${worst.name}'s (depth ${worst.depth}) ` +
            `ReLU units output 0 for the whole probe batch; ${dead.length} layer(s) above ${formatNumber(100 * fraction)}%: ` +
            `${formatLayerList(dead.map((layer) => layer.name))}.`,
          remedies: [REMEDIES.leakyRelu, REMEDIES.lowerLearningRate, REMEDIES.normalization],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
