// Trains one corpus entry under the monitor (custom loop, full batch) and returns what the
// monitor concluded. Test-only.
import * as tf from '@tensorflow/tfjs';
import { createTrainer } from '@gs/core';
import type { DetectorEvent } from '../detector.js';
import { monitor, type GradientMonitor } from '../monitor.js';
import { rawGradientNorm } from '../monitor-record.js';
import type { MonitorSummary } from '../summary.js';
import type { CorpusEntry } from './corpus-models.js';

/** The measured numbers closest to each detector's threshold, over the whole run. */
export interface CorpusMargins {
  /** Largest median update-to-weight ratio of the weight layers (learningRate "too high" at 0.1). */
  maxUpdateRatio: number;
  /** Smallest largest-layer update ratio (learningRate "too low" when below 1e-5 for 10 reports). */
  minUpdateRatio: number;
  /** Smallest main-path weight layer gradient norm over the deepest one's (vanishing below 1e-3). */
  minGradientRatio: number;
  /** Largest layer gradient norm (exploding above 1e3). */
  maxGradientNorm: number;
}

/** What the monitor concluded on one corpus entry. */
export interface CorpusOutcome {
  summary: MonitorSummary;
  events: DetectorEvent[];
  losses: number[];
  margins: CorpusMargins;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[sorted.length >> 1]!;
}

/** The margins of a finished run (see `CorpusMargins`). */
export function margins(watcher: GradientMonitor): CorpusMargins {
  const architecture = watcher.architecture!;
  const weight = (name: string) => architecture.layers.get(name)?.weightLayer === true;
  const judged = (name: string) => weight(name) && watcher.initialWeights?.get(name)?.zero !== true;
  const result: CorpusMargins = { maxUpdateRatio: 0, minUpdateRatio: Infinity, minGradientRatio: Infinity, maxGradientNorm: 0 };
  for (const record of watcher.history.records) {
    const ratios = record.layers.filter((layer) => judged(layer.name) && Number.isFinite(layer.updateRatio)).map((layer) => layer.updateRatio);
    if (ratios.length > 0) {
      result.maxUpdateRatio = Math.max(result.maxUpdateRatio, median(ratios));
      result.minUpdateRatio = Math.min(result.minUpdateRatio, Math.max(...ratios));
    }
    const main = record.layers.filter((layer) => weight(layer.name) && !architecture.layers.get(layer.name)!.branch);
    const reference = main[main.length - 1];
    for (const layer of main.slice(0, -1)) {
      const ratio = rawGradientNorm(layer) / rawGradientNorm(reference!);
      if (Number.isFinite(ratio)) result.minGradientRatio = Math.min(result.minGradientRatio, ratio);
    }
    for (const layer of record.layers) {
      if (Number.isFinite(rawGradientNorm(layer))) result.maxGradientNorm = Math.max(result.maxGradientNorm, rawGradientNorm(layer));
    }
  }
  return result;
}

/** Probe examples taken from the front of the training inputs. */
export const PROBE_SIZE = 32;

/** Trains `entry` for its steps with `monitor({ probe })` and returns the summary and every event. */
export async function runCorpusEntry(entry: CorpusEntry): Promise<CorpusOutcome> {
  const model = entry.build();
  const data = entry.data();
  const probe = data.xs.slice(0, Math.min(PROBE_SIZE, data.xs.shape[0]));
  const events: DetectorEvent[] = [];
  const watcher = monitor({ probe, onEvent: (event) => events.push(event) });
  const trainer = createTrainer({ optimizer: entry.optimizer(), plugins: [watcher], model });
  const variables = model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
  const lossFn = () => entry.loss(data.ys, model.apply(data.xs, { training: true }) as tf.Tensor);
  const losses: number[] = [];
  try {
    for (let step = 0; step < entry.steps; step++) {
      const { loss } = await trainer.step(lossFn, variables);
      losses.push(loss ?? Number.NaN);
    }
    return { summary: watcher.summary(), events, losses, margins: margins(watcher) };
  } finally {
    trainer.dispose();
    model.dispose();
    tf.dispose([data.xs, data.ys, probe]);
  }
}
