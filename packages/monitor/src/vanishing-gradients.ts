import { requireInteger, requireNonNegative, requireOptions, requirePositive } from '@gs/core';
import {
  actionOption,
  formatLayerList,
  formatNumber,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
} from './detector.js';
import { rawGradientNorm, type LayerStats, type MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `vanishingGradients`. */
export interface VanishingGradientsOptions {
  /** A layer vanishes when its gradient norm is below `ratio` × its reference layer's. Default 1e-3. */
  ratio?: number;
  /** …or below this absolute norm while the reference is ≥ 1000 × it. Default 1e-8. */
  floor?: number;
  /** Reported steps in a row the condition must hold before the event. Default 3. */
  patience?: number;
  /**
   * Reports during which residual branches, and layers upstream of a zero-initialised layer (Fixup's
   * head), are not judged: their gradients are small by design until the zero weights have moved. Default 10.
   */
  warmup?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['ratio', 'floor', 'patience', 'warmup', 'action'] as const;

/** A layer compared with its reference (the deepest weight layer of its chain). */
interface Comparison {
  layer: LayerStats;
  reference: LayerStats;
}

/**
 * The comparisons the rule makes. Without architecture: every layer against the last one. With it:
 * only weight layers (dense, conv, recurrent, embedding) — never gates, scalars or normalization —
 * on the main path against the deepest main-path weight layer (the signal that reaches residual
 * branches through the shortcuts), and, after `warmup` reports, the weight layers of each residual
 * branch against that branch's deepest weight layer.
 */
function comparisons(record: MonitorRecord, context: DetectorContext, warmedUp: boolean): Comparison[] {
  const layers = record.layers;
  const architecture = context.architecture;
  if (!architecture) {
    const last = layers[layers.length - 1];
    return last ? layers.slice(0, -1).map((layer) => ({ layer, reference: last })) : [];
  }
  const chains = new Map<string, LayerStats[]>();
  for (const layer of layers) {
    const info = architecture.layers.get(layer.name);
    if (!info?.weightLayer) continue;
    const chain = info.branch ?? '';
    if (chain !== '' && !warmedUp) continue;
    chains.set(chain, [...(chains.get(chain) ?? []), layer]);
  }
  const zeroAt = (layer: LayerStats) => context.initialWeights?.get(layer.name)?.zero === true;
  const result: Comparison[] = [];
  for (const chain of chains.values()) {
    const sorted = [...chain].sort((a, b) => a.depth - b.depth);
    const reference = sorted[sorted.length - 1]!;
    sorted.slice(0, -1).forEach((layer, i) => {
      // A zero-initialised layer downstream passes no gradient back until its weights have moved.
      if (!warmedUp && sorted.slice(i + 1).some(zeroAt)) return;
      result.push({ layer, reference });
    });
  }
  return result.sort((a, b) => a.layer.depth - b.layer.depth);
}

/**
 * Detects vanishing gradients: weight layers whose gradient norm is tiny compared with the deepest
 * weight layer of their chain (the product of many Jacobians `M(L)…M(l+1)` shrinking towards the
 * input), for `patience` reported steps in a row. It reads the architecture when the monitor knows
 * the model: gates, scalars and normalization layers are never compared with kernels; residual
 * branches are judged by the main path (the signal that reaches them through the shortcuts), and
 * inside each branch only after `warmup` reports — zero-initialised gates (ReZero, SkipInit) and
 * Fixup's zero layers make branch gradients small by design at first. Names the first vanishing
 * layer in forward order.
 *
 * Condition: ‖∇W_l‖ < ratio · ‖∇W_ref‖, or ‖∇W_l‖ < floor ≤ ‖∇W_ref‖ / 1000, with ref the deepest
 * weight layer of l's chain (main path or branch). Gradient norms are the raw ones (before any plugin).
 * Defaults: ratio 1e-3, floor 1e-8, patience 3, warmup 10, action 'warn'.
 * Source: Bengio, Simard & Frasconi 1994; Glorot & Bengio 2010 (gradient ratios across depth).
 *
 * @example
 * stabilize(tf.train.sgd(0.1), [monitor({ detectors: [vanishingGradients({ action: 'stop' })] })], { model });
 */
export function vanishingGradients(options: VanishingGradientsOptions = {}): Detector {
  const where = 'vanishingGradients';
  const opts = requireOptions<VanishingGradientsOptions>(where, options, OPTIONS);
  const ratio = requirePositive(where, 'ratio', opts.ratio ?? 1e-3);
  const floor = requireNonNegative(where, 'floor', opts.floor ?? 1e-8);
  const patience = requireInteger(where, 'patience', opts.patience ?? 3);
  const warmup = requireInteger(where, 'warmup', opts.warmup ?? 10, 0);
  const action = actionOption(where, opts.action);
  const counter = new PatienceCounter(patience);
  let reports = 0;
  return {
    name: where,
    action,
    check(record: MonitorRecord, context: DetectorContext): DetectorEvent[] {
      reports++;
      const vanishing = comparisons(record, context, reports > warmup).filter(({ layer, reference }) => {
        const norm = rawGradientNorm(layer);
        const referenceNorm = rawGradientNorm(reference);
        if (!Number.isFinite(norm) || !Number.isFinite(referenceNorm) || referenceNorm <= 0) return false;
        return norm < ratio * referenceNorm || (norm < floor && referenceNorm >= 1000 * floor);
      });
      if (!counter.update('any', vanishing.length > 0, record.step)) return [];
      const { layer: first, reference } = vanishing[0]!;
      const relative = rawGradientNorm(first) / rawGradientNorm(reference);
      const names = vanishing.map(({ layer }) => layer.name);
      return [
        {
          detector: where,
          verdict: 'vanishing',
          step: record.step,
          onset: counter.onset('any') ?? record.step,
          layer: first.name,
          depth: first.depth,
          layers: names,
          value: relative,
          message:
            `vanishing gradients at step ${record.step}: layer ${first.name} (depth ${first.depth}) has gradient norm ` +
            `${formatNumber(rawGradientNorm(first))}, ${formatNumber(relative)}× that of ${reference.name} ` +
            `(${formatNumber(rawGradientNorm(reference))}); ${vanishing.length} layer(s) below ${formatNumber(ratio)}× their reference: ` +
            `${formatLayerList(names)} (for ${patience} reported step(s)). Early layers barely learn.`,
          remedies: [REMEDIES.reluHe, REMEDIES.normalization, REMEDIES.residual, REMEDIES.adaptiveOptimizer],
          action,
        },
      ];
    },
    reset: () => {
      counter.reset();
      reports = 0;
    },
  };
}
