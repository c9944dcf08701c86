import { rejectUnknownOptions } from '@gs/core';
import { actionOption, formatLayerList, PatienceCounter, type Detector, type DetectorAction, type DetectorEvent } from './detector.js';
import type { MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `nonFiniteValues`. */
export interface NonFiniteValuesOptions {
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

/**
 * Detects NaN/Inf in the loss, a layer's gradients or a layer's weights, and names the layer
 * where it starts. Norms are computed as sqrt(Σ x²) in float32 (like PyTorch's
 * `clip_grad_norm_`), so a finite gradient whose norm exceeds ~1.8e19 also reads as Infinity. Backpropagation runs from the output to the input, so a NaN created in layer l
 * spreads to the gradients of layers < l: the culprit is the non-finite layer nearest the output.
 * Fires once per episode (re-arms after a finite report).
 *
 * Defaults: action 'warn'. Source: the seed note's exploding-gradient case (overflow to Inf, then NaN).
 *
 * @example
 * monitor({ detectors: [nonFiniteValues({ action: 'throw' })] });
 */
export function nonFiniteValues(options: NonFiniteValuesOptions = {}): Detector {
  const where = 'nonFiniteValues';
  rejectUnknownOptions(where, options, ['action']);
  const action = actionOption(where, options.action);
  const counter = new PatienceCounter(1);
  return {
    name: where,
    action,
    check(record: MonitorRecord): DetectorEvent[] {
      const badGradients = record.layers.filter((layer) => !Number.isFinite(layer.gradientNorm));
      const badWeights = record.layers.filter((layer) => !Number.isFinite(layer.weightNorm));
      const badLoss = record.loss !== undefined && !Number.isFinite(record.loss);
      const any = badGradients.length > 0 || badWeights.length > 0 || badLoss;
      if (!counter.update('any', any)) return [];
      const culprit = badGradients[badGradients.length - 1] ?? badWeights[badWeights.length - 1];
      const parts: string[] = [];
      if (badLoss) parts.push(`the loss is ${record.loss}`);
      if (badGradients.length > 0) {
        parts.push(`non-finite gradients in ${formatLayerList(badGradients.map((layer) => layer.name))}`);
      }
      if (badWeights.length > 0) parts.push(`non-finite weights in ${formatLayerList(badWeights.map((layer) => layer.name))}`);
      const where_ = culprit ? `, starting at layer ${culprit.name} (depth ${culprit.depth})` : '';
      return [
        {
          detector: where,
          step: record.step,
          ...(culprit ? { layer: culprit.name, depth: culprit.depth } : {}),
          layers: [...new Set([...badGradients, ...badWeights].map((layer) => layer.name))],
          value: culprit ? (Number.isFinite(culprit.gradientNorm) ? culprit.weightNorm : culprit.gradientNorm) : (record.loss ?? Number.NaN),
          message: `non-finite values at step ${record.step}${where_}: ${parts.join('; ')}.`,
          remedies: [REMEDIES.nonFiniteSkip, REMEDIES.clipGlobal, REMEDIES.lowerLearningRate, REMEDIES.checkData],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
