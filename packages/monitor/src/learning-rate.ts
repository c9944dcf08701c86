import { requireInteger, requireOptions, requirePositive } from '@gs/core';
import {
  actionOption,
  formatNumber,
  PatienceCounter,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
} from './detector.js';
import { rawGradientNorm, type LayerStats, type MonitorRecord } from './monitor-record.js';
import { REMEDIES } from './remedies.js';

/** Options for `learningRate`. */
export interface LearningRateOptions {
  /**
   * A step is large when the median update-to-weight ratio of the weight layers is above this;
   * it was too large when the loss then stays at `rise`× its value or more (the step overshot).
   * Default 0.1 (100× the rule of thumb).
   */
  high?: number;
  /** Above this median ratio every step rewrites the weights wholesale: too high after `patience` such reports. Default 1. */
  severe?: number;
  /** After a large step the loss must stay at this factor of its value at that step or more (or turn NaN/Inf). Default 2. */
  rise?: number;
  /**
   * "Too low / stalled" when every weight layer's ratio is below this, or the median is (none above
   * 10×) and the loss has not moved from its early level. Default 1e-5 (100× below the rule of thumb).
   */
  low?: number;
  /** Reports in a row the loss must stay up after a large step (a spike that recovers is not "too high"; NaN/Inf counts at once). Default 2. */
  patience?: number;
  /** Reports in a row the "too low" condition must hold. Default 10. */
  lowPatience?: number;
  /** What to do when it fires. Default 'warn'. */
  action?: DetectorAction;
}

const OPTIONS = ['high', 'severe', 'rise', 'low', 'patience', 'lowPatience', 'action'] as const;

/**
 * Small updates are convergence, not a low learning rate, once the gradient norm or the loss has
 * fallen below this fraction of its value at the first reports.
 */
const CONVERGED = 1e-2;
/**
 * A loss still above this fraction of its level at the first reports has not moved: then a median
 * ratio below `low`, with no layer above `NEAR_LOW`× `low`, is enough for "too low" (a small layer,
 * e.g. a head of a few dozen weights, takes relatively larger steps than the rest of a net that
 * stands still).
 */
const UNMOVED = 0.9;
const NEAR_LOW = 10;
/** How many first reports set the gradient-norm and loss levels convergence is measured against. */
const EARLY_REPORTS = 3;
/**
 * A large step overshot when the loss then rises above `rise` × the highest loss of this many
 * reports up to it — not above one lucky low batch.
 */
const RECENT_LOSSES = 5;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The layers whose update ratio says something about the learning rate: weight layers (not gates,
 * scalars, normalization) whose weights did not start at zero (there ‖ΔW‖/‖W‖ is ∞ or ~1/t by
 * construction), with a finite ratio.
 */
function judgedLayers(record: MonitorRecord, context: DetectorContext): LayerStats[] {
  return record.layers.filter((layer) => {
    if (!Number.isFinite(layer.updateRatio)) return false;
    const info = context.architecture?.layers.get(layer.name);
    if (context.architecture && !info?.weightLayer) return false;
    return context.initialWeights?.get(layer.name)?.zero !== true;
  });
}

/** The judged layers of a record, their median ratio and the layer with the largest ratio. */
interface LayerRatios {
  layers: LayerStats[];
  typical: number;
  largest?: LayerStats;
}

function updateRatios(record: MonitorRecord, context: DetectorContext): LayerRatios {
  const layers = judgedLayers(record, context);
  if (layers.length === 0) return { layers, typical: Number.NaN };
  return {
    layers,
    typical: median(layers.map((layer) => layer.updateRatio)),
    largest: layers.reduce((a, b) => (b.updateRatio > a.updateRatio ? b : a)),
  };
}

/** Global norm of the raw gradients. */
function globalNorm(record: MonitorRecord): number {
  return Math.sqrt(record.layers.reduce((sum, layer) => sum + rawGradientNorm(layer) ** 2, 0));
}

/**
 * Detects a learning rate that is too high or too low from the update-to-weight ratio
 * r_l = ‖W_l,t+1 − W_l,t‖ / ‖W_l,t‖ the monitor records for every layer. The rule of thumb is
 * r ≈ 1e-3 ("if it is lower the learning rate might be too low, if higher it is likely too high");
 * around 1e-2 is still healthy for small networks, and early steps that move small weights by 10 %
 * are normal while the loss falls (Adadelta at 1, SGD at batch size 1). So the detector fires on
 * evidence that the size of the steps hurts:
 * - **too high**: the median r over the weight layers is above `severe` (default 1: every step
 *   rewrites the weights wholesale) for `patience` reports in a row (weights that start tiny take
 *   one such step under any rate, then have grown), or it was above `high` (default 0.1) at one report and the loss
 *   then stayed at `rise`× (default 2) the highest loss of the 5 reports up to it or more for
 *   `patience` reports (default 2), or turned NaN/Inf — the step overshot (a spike that recovers,
 *   or a rise from one lucky low batch, is noise);
 * - **too low / stalled**: every weight layer's r is below `low` (default 1e-5), or the median r is
 *   and none above 10× `low` while the loss is still above 90 % of its level at the first 3 reports
 *   (a small head moves relatively more while the rest stands still), for `lowPatience` reports
 *   (default 10) — unless training has converged: the gradient norm or the loss has fallen below
 *   1/100 of its level at the first 3 reports (small steps are then what a minimum looks like).
 * Gates, scalars, normalization layers and layers whose weights started at zero are left out.
 * Needs `monitor({ updateRatios: true })` (the default).
 *
 * Source: Karpathy, CS231n notes "Neural Networks Part 3: Learning and Evaluation", section
 * "Ratio of weights:updates" (https://cs231n.github.io/neural-networks-3/#ratio) and "Babysitting
 * the learning process" (a loss that rises or explodes means the learning rate is too high).
 *
 * @example
 * monitor({ detectors: [learningRate({ high: 0.05, action: 'stop' })] });
 */
export function learningRate(options: LearningRateOptions = {}): Detector {
  const where = 'learningRate';
  const opts = requireOptions<LearningRateOptions>(where, options, OPTIONS);
  const high = requirePositive(where, 'high', opts.high ?? 0.1);
  const severe = requirePositive(where, 'severe', opts.severe ?? 1);
  const rise = requirePositive(where, 'rise', opts.rise ?? 2);
  const low = requirePositive(where, 'low', opts.low ?? 1e-5);
  if (low >= high) throw new RangeError(`${where}: low must be below high, got low ${low} and high ${high}`);
  if (severe < high) throw new RangeError(`${where}: severe must be at least high, got severe ${severe} and high ${high}`);
  const patience = requireInteger(where, 'patience', opts.patience ?? 2);
  const lowPatience = requireInteger(where, 'lowPatience', opts.lowPatience ?? 10);
  const action = actionOption(where, opts.action);
  const lowCounter = new PatienceCounter(lowPatience);
  const early: { norms: number[]; losses: number[] } = { norms: [], losses: [] };
  /**
   * A large step waiting for the loss to show whether it overshot: its record, ratios, the loss level
   * it is judged against (the highest of the recent reports) and how many reports the loss stayed up.
   */
  let pending: (LayerRatios & { record: MonitorRecord; loss: number; elevated: number }) | undefined;
  /** Whether "too high" fired in the current episode of large steps (re-armed once they end). */
  let fired = false;
  let recentLosses: number[] = [];
  /** The first of the current run of reports whose median ratio is above `severe`, and how many. */
  let wholesaleStart: MonitorRecord | undefined;
  let wholesaleReports = 0;
  return {
    name: where,
    action,
    check(record: MonitorRecord, context: DetectorContext): DetectorEvent[] {
      const events: DetectorEvent[] = [];
      const now = updateRatios(record, context);
      // Too high, (1): a large step whose loss stayed ≥ rise× for `patience` reports (a NaN/Inf at once).
      let overshot: typeof pending;
      if (pending && record.loss !== undefined) {
        const risen = !Number.isFinite(record.loss) || record.loss - pending.loss >= (rise - 1) * Math.abs(pending.loss);
        pending = risen ? { ...pending, elevated: Number.isFinite(record.loss) ? pending.elevated + 1 : patience } : undefined;
        if (pending && pending.elevated >= patience) [overshot, pending] = [pending, undefined];
      }
      // (2): every step rewrites the weights wholesale, `patience` reports in a row (weights that start
      // tiny, e.g. N(0, 1e-3²), take one wholesale step under any rate and then have grown).
      wholesaleStart = now.typical > severe ? (wholesaleStart ?? record) : undefined;
      wholesaleReports = wholesaleStart ? wholesaleReports + 1 : 0;
      const wholesale = wholesaleReports >= patience;
      if (record.loss !== undefined && Number.isFinite(record.loss)) recentLosses = [...recentLosses, record.loss].slice(-RECENT_LOSSES);
      if (!pending && !overshot && now.typical > high && record.loss !== undefined && Number.isFinite(record.loss)) {
        pending = { ...now, record, loss: Math.max(...recentLosses), elevated: 0 };
      }
      const evidence = overshot ?? (wholesale ? { ...now, record: wholesaleStart! } : undefined);
      if (evidence?.largest && !fired) {
        fired = true;
        const { layers, typical, largest } = evidence;
        const ratioText =
          `the update-to-weight ratio ‖ΔW‖/‖W‖ ${overshot ? `at step ${evidence.record.step} had` : 'has'} median ` +
          `${formatNumber(typical)} over ${layers.length} weight layer(s) (largest ${formatNumber(largest.updateRatio)} at ${largest.name})`;
        const consequence = overshot
          ? `and the loss then went from ${formatNumber(overshot.loss)} (the highest of the ${RECENT_LOSSES} reports up to it) to ${formatNumber(record.loss!)}` +
            `${Number.isFinite(record.loss) ? ` (at least ${formatNumber(rise)}× for ${patience} report(s))` : ''}: the step overshot`
          : `so each step rewrites ${formatNumber(100 * typical)}% of the weights (since step ${evidence.record.step}, ${wholesaleReports} report(s) in a row)`;
        events.push({
          detector: where,
          verdict: 'learning rate too high',
          step: record.step,
          onset: evidence.record.step,
          layer: largest.name,
          depth: largest.depth,
          layers: layers.filter((layer) => layer.updateRatio > high).map((layer) => layer.name),
          value: typical,
          message: `learning rate too high at step ${record.step}: ${ratioText}, ${consequence}; healthy is about 1e-3 (CS231n).`,
          remedies: [REMEDIES.lowerLearningRate, REMEDIES.warmup, REMEDIES.clipGlobal],
          action,
        });
      }
      if (!pending && !(now.typical > high)) fired = false;
      // Too low: every layer barely moves while the gradients and the loss are still at their early level.
      const norm = globalNorm(record);
      if (early.norms.length < EARLY_REPORTS && Number.isFinite(norm)) early.norms.push(norm);
      if (early.losses.length < EARLY_REPORTS && record.loss !== undefined && Number.isFinite(record.loss)) early.losses.push(record.loss);
      const converged =
        (early.norms.length > 0 && norm < CONVERGED * median(early.norms)) ||
        (early.losses.length > 0 && record.loss !== undefined && median(early.losses) > 0 && record.loss < CONVERGED * median(early.losses));
      const ratios = now.layers.map((layer) => layer.updateRatio);
      const unmoved =
        early.losses.length > 0 && record.loss !== undefined && Number.isFinite(record.loss) && record.loss > UNMOVED * median(early.losses);
      const small =
        ratios.length > 0 && (ratios.every((ratio) => ratio < low) || (now.typical < low && unmoved && ratios.every((ratio) => ratio < NEAR_LOW * low)));
      if (lowCounter.update('low', small && !converged, record.step)) {
        const largest = Math.max(...ratios);
        events.push({
          detector: where,
          verdict: 'learning rate too low',
          step: record.step,
          onset: lowCounter.onset('low') ?? record.step,
          layers: now.layers.map((layer) => layer.name),
          value: now.typical,
          message:
            `learning rate too low at step ${record.step}: ${ratios.every((ratio) => ratio < low) ? 'every weight layer\'s' : 'the median'} ` +
            `update-to-weight ratio ‖ΔW‖/‖W‖ is below ${formatNumber(low)} (median ${formatNumber(now.typical)}, largest ` +
            `${formatNumber(largest)}) for ${lowPatience} reported step(s) while the gradients and the loss stay near their early level ` +
            `(loss ${formatNumber(record.loss ?? Number.NaN)}, ${formatNumber(median(early.losses))} at the start); healthy is about 1e-3 (CS231n): training has stalled.`,
          remedies: [REMEDIES.raiseLearningRate, REMEDIES.adaptiveOptimizer],
          action,
        });
      }
      return events;
    },
    reset: () => {
      lowCounter.reset();
      early.norms.length = 0;
      early.losses.length = 0;
      pending = undefined;
      fired = false;
      recentLosses = [];
      wholesaleStart = undefined;
      wholesaleReports = 0;
    },
  };
}
