import { activationFractionDetector, type ActivationFractionOptions } from './activation-fraction-detector.js';
import { formatNumber, type Detector } from './detector.js';
import { REMEDIES } from './remedies.js';

/** Options for `deadUnits`: `fraction` is the share of a layer's ReLU units that are dead (default 0.5). */
export type DeadUnitsOptions = ActivationFractionOptions;

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
  return activationFractionDetector(
    {
      name: 'deadUnits',
      verdict: 'dead units',
      statistic: 'deadFraction',
      describe: (step, first, value, flagged, count, fraction) =>
        `dead units at step ${step}: ${formatNumber(100 * value)}% of layer ${first.name}'s (depth ${first.depth}) ` +
        `ReLU units output 0 for the whole probe batch; ${count} layer(s) above ${formatNumber(100 * fraction)}%: ${flagged}.`,
      remedies: [REMEDIES.leakyRelu, REMEDIES.lowerLearningRate, REMEDIES.normalization],
    },
    options,
  );
}
