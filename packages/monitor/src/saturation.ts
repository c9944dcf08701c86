import { activationFractionDetector, type ActivationFractionOptions } from './activation-fraction-detector.js';
import { formatNumber, type Detector } from './detector.js';
import { REMEDIES } from './remedies.js';

/** Options for `saturation`: `fraction` is the share of a layer's outputs that are saturated (default 0.5). */
export type SaturationOptions = ActivationFractionOptions;

/**
 * Detects saturated sigmoid/tanh layers from the probe batch's activation statistics: more than
 * `fraction` of a layer's outputs sit where the activation is flat, so its gradient vanishes there
 * (the seed note's sigmoid gradient on [-8, 8)). Needs `monitor({ probe })`. The model's output
 * layers are not judged: a sigmoid head whose outputs approach 0 and 1 is a confident classifier,
 * and with cross-entropy its gradient (p − y) does not pass through the flat derivative.
 *
 * Condition: saturatedFraction_l > fraction. Defaults: fraction 0.5, patience 1, action 'warn'.
 * Source: Glorot & Bengio 2010 (saturation of top hidden layers with sigmoid).
 *
 * @example
 * monitor({ probe: xs.slice(0, 64), detectors: [saturation({ fraction: 0.3 })] });
 */
export function saturation(options: SaturationOptions = {}): Detector {
  return activationFractionDetector(
    {
      name: 'saturation',
      verdict: 'saturated',
      statistic: 'saturatedFraction',
      describe: (step, first, value, flagged, count, fraction) =>
        `saturation at step ${step}: ${formatNumber(100 * value)}% of layer ${first.name}'s ` +
        `(depth ${first.depth}, ${first.activation}) outputs are saturated; ${count} layer(s) above ` +
        `${formatNumber(100 * fraction)}%: ${flagged}. Gradients through them vanish.`,
      remedies: [REMEDIES.preActivationScale, REMEDIES.reluHe, REMEDIES.normalization],
      skipOutputs: true,
    },
    options,
  );
}
