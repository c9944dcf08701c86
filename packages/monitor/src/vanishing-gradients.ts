import { rejectUnknownOptions, requireInteger, requireNonNegative, requirePositive } from '@gs/core';
import {
  actionOption,
  formatLayerList,
  formatNumber,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorEvent,
} from './detector.js';
import type { MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `vanishingGradients`. */
export interface VanishingGradientsOptions {
  /** A layer vanishes when its gradient norm is below `ratio` × the last (output) layer's. Default 1e-3. */
  ratio?: number;
  /** …or below this absolute norm. Default 1e-8. */
  floor?: number;
  /** Reported steps in a row the condition must hold before the event. Default 3. */
  patience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['ratio', 'floor', 'patience', 'action'] as const;

/**
 * Detects vanishing gradients: layers whose gradient norm is tiny compared with the last layer's
 * (the product of many Jacobians `M(L)…M(l+1)` shrinking towards the input), or below an absolute
 * floor, for `patience` reported steps in a row. The event names the affected layers, the first
 * one (nearest the input) as `layer`, and suggests ReLU + He init, normalization, residuals.
 *
 * Condition: ‖∇W_l‖ < ratio · ‖∇W_last‖ or ‖∇W_l‖ < floor for some layer l before the last.
 * Defaults: ratio 1e-3, floor 1e-8, patience 3, action 'warn'.
 * Source: Bengio, Simard & Frasconi 1994; Glorot & Bengio 2010 (gradient ratios across depth).
 *
 * @example
 * stabilize(tf.train.sgd(0.1), [monitor({ detectors: [vanishingGradients({ action: 'stop' })] })], { model });
 */
export function vanishingGradients(options: VanishingGradientsOptions = {}): Detector {
  const where = 'vanishingGradients';
  rejectUnknownOptions(where, options, OPTIONS);
  const ratio = requirePositive(where, 'ratio', options.ratio ?? 1e-3);
  const floor = requireNonNegative(where, 'floor', options.floor ?? 1e-8);
  const patience = requireInteger(where, 'patience', options.patience ?? 3);
  const action = actionOption(where, options.action);
  const counter = new PatienceCounter(patience);
  return {
    name: where,
    action,
    check(record: MonitorRecord): DetectorEvent[] {
      const layers = record.layers;
      if (layers.length === 0) return [];
      const last = layers[layers.length - 1]!;
      const lastUsable = Number.isFinite(last.gradientNorm) && last.gradientNorm > 0;
      const vanishing = layers
        .slice(0, -1)
        .filter(
          (layer) =>
            Number.isFinite(layer.gradientNorm) &&
            (layer.gradientNorm < floor || (lastUsable && layer.gradientNorm < ratio * last.gradientNorm)),
        );
      if (!counter.update('any', vanishing.length > 0)) return [];
      const first = vanishing[0]!;
      const relative = lastUsable ? first.gradientNorm / last.gradientNorm : 0;
      const names = vanishing.map((layer) => layer.name);
      return [
        {
          detector: where,
          step: record.step,
          layer: first.name,
          depth: first.depth,
          layers: names,
          value: relative,
          message:
            `vanishing gradients at step ${record.step}: layer ${first.name} (depth ${first.depth}) has gradient norm ` +
            `${formatNumber(first.gradientNorm)}, ${formatNumber(relative)}× the last layer ${last.name}'s ` +
            `${formatNumber(last.gradientNorm)}; ${vanishing.length} layer(s) below ${formatNumber(ratio)}× the last ` +
            `or ${formatNumber(floor)}: ${formatLayerList(names)} (for ${patience} reported step(s)). Early layers barely learn.`,
          remedies: [REMEDIES.reluHe, REMEDIES.normalization, REMEDIES.residual, REMEDIES.adaptiveOptimizer],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
