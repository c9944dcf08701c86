import { requireArray, requireOptions, requireString } from '@gs/core';
import {
  actionOption,
  formatLayerList,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
  type NonFiniteSource,
  SOURCE_PHRASES,
} from './detector.js';
import { rawGradientNorm, type LayerStats, type MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';
import { requireObject } from './argument-checks.js';

/** Options for `nonFiniteValues`. */
export interface NonFiniteValuesOptions {
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

/** Where the first NaN/Inf of a record came from, and the layer it names. */
export interface NonFiniteOrigin {
  /** Where it came from; undefined when the record alone cannot tell (no probe: the monitor traces it). */
  readonly source?: NonFiniteSource;
  /** The layer where it first appears in forward order (or, for the backward pass, nearest the output). */
  readonly layer?: LayerStats;
  /** One sentence of evidence. */
  readonly evidence: string;
}

const finite = Number.isFinite;

/**
 * tfjs's named losses that are finite whenever the model's outputs and the targets are (they clip
 * probabilities with ε before a log, and divide by clipped values) — all but `poisson`, which takes
 * the log of the raw prediction.
 */
const UNGUARDED_LOSSES: readonly string[] = ['poisson'];

/**
 * Whether the model was compiled with named tfjs losses only, each finite for finite outputs and
 * targets: a non-finite loss with finite outputs then comes from the data (the targets, or inputs
 * outside the probe batch), not from the loss function.
 */
export function guardedLoss(lossNames: readonly string[] | undefined): boolean {
  return lossNames !== undefined && lossNames.length > 0 && lossNames.every((name) => !UNGUARDED_LOSSES.includes(name));
}

function activationsFinite(layer: LayerStats): boolean | undefined {
  return layer.activations ? finite(layer.activations.mean) && finite(layer.activations.std) : undefined;
}

/**
 * Where the first NaN/Inf in `record` came from, read in the order values are computed in a step:
 * the probe's inputs (data) → each layer's output on the probe, measured before the update, in
 * forward order (forward pass) → the loss (finite outputs, non-finite loss) → the raw gradients
 * (backward pass; the culprit is the non-finite layer nearest the output, where backpropagation
 * met it) → the weights after the update (the update; first non-finite layer in forward order).
 * Weights already non-finite in the previous record point to an earlier update.
 */
export function nonFiniteOrigin(record: MonitorRecord, previous?: MonitorRecord, lossNames?: readonly string[]): NonFiniteOrigin {
  requireObject('nonFiniteOrigin', 'record', record, 'a MonitorRecord', ['step', 'layers']);
  if (previous !== undefined) requireObject('nonFiniteOrigin', 'previous', previous, 'a MonitorRecord or undefined', ['step', 'layers']);
  if (lossNames !== undefined) {
    requireArray('nonFiniteOrigin', 'lossNames', lossNames, (name, label) => requireString('nonFiniteOrigin', label, name));
  }
  const forward = [...record.layers].sort((a, b) => a.depth - b.depth);
  const badBefore = previous ? forward.filter((layer) => !finite(previous.layers.find((p) => p.name === layer.name)?.weightNorm ?? 0)) : [];
  if (badBefore.length > 0) {
    return { source: 'update', layer: badBefore[0], evidence: `the weights were already non-finite after step ${previous!.step}` };
  }
  if (record.probeInputFinite === false) {
    return { source: 'data', layer: forward[0], evidence: 'the probe batch itself contains NaN/Inf' };
  }
  const lossBad = record.loss !== undefined && !finite(record.loss);
  const badGradients = forward.filter((layer) => !finite(rawGradientNorm(layer)));
  const firstBadOutput = forward.find((layer) => activationsFinite(layer) === false);
  if (firstBadOutput) {
    return {
      source: 'forward',
      layer: firstBadOutput,
      evidence: `on the probe batch, ${firstBadOutput.name}'s output is the first non-finite one in forward order (before the update, with finite weights)`,
    };
  }
  if (lossBad || (record.loss === undefined && badGradients.length > 0 && badGradients.length === forward.length)) {
    if (forward.some((layer) => activationsFinite(layer) === true)) {
      if (guardedLoss(lossNames)) {
        return {
          source: 'data',
          evidence:
            `the loss is ${record.loss} while every layer's output on the probe batch is finite, and the compiled loss ` +
            `(${lossNames!.join(', ')}) is finite for finite outputs and targets: this batch's targets (or inputs outside the probe) contain NaN/Inf`,
        };
      }
      return {
        source: 'loss',
        evidence: `the loss is ${record.loss} while every layer's output on the probe batch is finite: the loss function (log(0), 0/0) or this batch's targets`,
      };
    }
    return { evidence: `the loss is ${record.loss}` };
  }
  if (badGradients.length > 0) {
    const nearestOutput = badGradients[badGradients.length - 1]!;
    return {
      source: 'backward',
      layer: nearestOutput,
      evidence: `the loss is finite but the gradients of ${formatLayerList(badGradients.map((layer) => layer.name))} are not; backpropagation met the first NaN/Inf at ${nearestOutput.name}`,
    };
  }
  const badWeights = forward.filter((layer) => !finite(layer.weightNorm));
  if (badWeights.length > 0) {
    return {
      source: 'update',
      layer: badWeights[0],
      evidence: `loss and gradients are finite but the update made the weights of ${formatLayerList(badWeights.map((layer) => layer.name))} non-finite`,
    };
  }
  return { evidence: 'no non-finite value' };
}

/**
 * Detects NaN/Inf in the loss, a layer's raw gradients, its weights or its output on the probe
 * batch, and says where it came from (data, loss, forward pass, backward pass or update) and which
 * layer it first appears in, in forward order — whatever the plugin order (the monitor reads the
 * gradients before any plugin, e.g. `nonFinite()`, changed them). With a probe the forward pass is
 * measured before the update; without one the monitor traces it after the event on a synthetic
 * batch (outside the step). Norms are sqrt(Σ x²) in float32 (as PyTorch's `clip_grad_norm_`), so a
 * finite gradient whose norm exceeds ~1.8e19 also reads as Infinity. Fires once per episode.
 *
 * Defaults: action 'warn'. Source: the seed note's exploding-gradient case (overflow to Inf, then NaN).
 *
 * @example
 * monitor({ probe: xs.slice(0, 32), detectors: [nonFiniteValues({ action: 'throw' })] });
 */
export function nonFiniteValues(options: NonFiniteValuesOptions = {}): Detector {
  const where = 'nonFiniteValues';
  const opts = requireOptions<NonFiniteValuesOptions>(where, options, ['action']);
  const action = actionOption(where, opts.action);
  const counter = new PatienceCounter(1);
  return {
    name: where,
    action,
    check(record: MonitorRecord, context: DetectorContext): DetectorEvent[] {
      const badGradients = record.layers.filter((layer) => !finite(rawGradientNorm(layer)) || !finite(layer.gradientNorm));
      const badWeights = record.layers.filter((layer) => !finite(layer.weightNorm));
      const badOutputs = record.layers.filter((layer) => activationsFinite(layer) === false);
      const badLoss = record.loss !== undefined && !finite(record.loss);
      const any = badGradients.length > 0 || badWeights.length > 0 || badOutputs.length > 0 || badLoss || record.probeInputFinite === false;
      if (!counter.update('any', any)) return [];
      const history = context.history;
      const previous = history.length >= 2 && history[history.length - 1] === record ? history[history.length - 2] : undefined;
      const origin = nonFiniteOrigin(record, previous, context.lossNames);
      const parts: string[] = [];
      if (badLoss && !origin.evidence.startsWith('the loss is')) parts.push(`the loss is ${record.loss}`);
      if (badGradients.length > 0) parts.push(`non-finite gradients in ${formatLayerList(badGradients.map((layer) => layer.name))}`);
      if (badWeights.length > 0) parts.push(`non-finite weights in ${formatLayerList(badWeights.map((layer) => layer.name))}`);
      const culprit = origin.layer;
      const from = origin.source ? ` from ${SOURCE_PHRASES[origin.source]}` : '';
      const at = culprit ? ` at layer ${culprit.name} (depth ${culprit.depth})` : '';
      return [
        {
          detector: where,
          verdict: 'non-finite',
          ...(origin.source ? { source: origin.source } : {}),
          step: record.step,
          ...(culprit ? { layer: culprit.name, depth: culprit.depth } : {}),
          layers: [...new Set([...badOutputs, ...badGradients, ...badWeights].map((layer) => layer.name))],
          value: culprit ? (finite(rawGradientNorm(culprit)) ? culprit.weightNorm : rawGradientNorm(culprit)) : (record.loss ?? Number.NaN),
          message: `non-finite values at step ${record.step}${from}${at}: ${origin.evidence}${parts.length ? `; ${parts.join('; ')}` : ''}.`,
          remedies: [REMEDIES.nonFiniteSkip, REMEDIES.clipGlobal, REMEDIES.lowerLearningRate, REMEDIES.checkData],
          action,
        },
      ];
    },
    reset: () => counter.reset(),
  };
}
