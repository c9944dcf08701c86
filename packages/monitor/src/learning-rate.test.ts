import { describe, expect, it } from 'vitest';
import type { Detector, DetectorContext } from './detector.js';
import { learningRate } from './learning-rate.js';
import type { MonitorRecord } from './monitor-record.js';
import type { ModelArchitecture } from './model-architecture.js';

function record(step: number, ratios: number[], loss = 1, gradientNorm = 1): MonitorRecord {
  return {
    step,
    loss,
    gradientNorm,
    layers: ratios.map((updateRatio, depth) => ({ name: `layer${depth}`, depth, gradientNorm, weightNorm: 1, updateRatio })),
    extras: {},
  };
}

function feed(detector: Detector, records: MonitorRecord[], extra: Partial<DetectorContext> = {}) {
  const history: MonitorRecord[] = [];
  return records.flatMap((r) => {
    history.push(r);
    return detector.check(r, { history, ...extra });
  });
}

describe('learningRate (CS231n: ‖ΔW‖/‖W‖ ≈ 1e-3)', () => {
  it('says "too high" when every step rewrites the weights wholesale (median ratio above 1) for 2 reports, naming the largest layer', () => {
    const events = feed(learningRate(), [record(0, [0.5, 3, 20, 2]), record(1, [0.5, 3, 20, 2])]);
    expect(events.map((event) => [event.verdict, event.step, event.onset, event.layer])).toEqual([['learning rate too high', 1, 0, 'layer2']]);
    expect(events[0]!.value).toBeCloseTo(2.5); // median of 0.5, 2, 3, 20
    expect(events[0]!.message).toMatch(/median 2\.5 over 4 weight layer.*each step rewrites 250% of the weights \(since step 0, 2 report\(s\) in a row\)/);
  });

  it('stays quiet at one wholesale step of weights that started tiny (N(0, 1e-3²) under Adam 1e-3: median 1.03, then 0.45 while the loss falls)', () => {
    const tiny = [record(0, [1.03, 1.06], 0.6931), record(1, [0.45, 0.5], 0.6925), record(2, [0.3, 0.33], 0.6918), record(3, [0.2, 0.22], 0.691)];
    expect(feed(learningRate(), tiny)).toEqual([]);
  });

  it('says "too high" when a step above 0.1 is followed by a loss that stays at 2× or more for 2 reports (SGD at 3), dated at that step', () => {
    const sgd3 = [record(0, [0.07, 0.12, 0.38], 0.568), record(1, [0.05, 0.08, 0.09], 2.48), record(2, [0.05, 0.08, 0.09], 1.9)];
    const events = feed(learningRate(), sgd3);
    expect(events.map((event) => [event.step, event.onset, event.layer])).toEqual([[2, 0, 'layer2']]);
    expect(events[0]!.message).toMatch(/at step 0 had median 0\.12 .* the loss then went from 0\.568 \(the highest of the 5 reports up to it\) to 1\.9 \(at least 2× for 2 report\(s\)\): the step overshot/);
    // … or to NaN at once.
    expect(feed(learningRate(), [record(0, [0.2, 0.2], 0.5), record(1, [0.2, 0.2], Number.NaN)]).map((event) => event.step)).toEqual([1]);
    // A spike that recovers, measured from a lucky low batch, is noise (Adadelta at 1, the loss falling from 2.3: … 0.459, 0.412, 0.255 → 3.06 → 0.918).
    const adadelta = [0.578, 0.619, 0.459, 0.412, 0.255, 3.06, 0.918, 0.728].map((loss, i) => record(3 + i, [i === 5 ? 0.593 : 0.11], loss));
    expect(feed(learningRate(), adadelta)).toEqual([]);
  });

  it('stays quiet at large early steps while the loss falls (Adadelta at 1: ratios 0.11–0.17, loss 2.37 → 0.28)', () => {
    const losses = [2.37, 1.95, 1.3, 0.856, 0.688, 0.715, 0.468, 0.283];
    const ratios = [0.163, 0.132, 0.119, 0.112, 0.128, 0.144, 0.167, 0.092];
    expect(feed(learningRate(), losses.map((loss, step) => record(step, [ratios[step]!], loss)))).toEqual([]);
    // Batch size 1: noisy losses; the large steps come with the large losses and are followed by smaller ones.
    const noisy = [[733, 0.13], [297, 0.038], [503, 0.059], [147, 0.025], [611, 0.095], [1850, 0.161], [106, 0.041]] as const;
    expect(feed(learningRate(), noisy.map(([loss, ratio], step) => record(step, [ratio], loss)))).toEqual([]);
  });

  it('judges a rise relative to the size of a negative loss (a log-likelihood)', () => {
    expect(feed(learningRate(), [record(0, [0.3], -10), record(1, [0.3], -9), record(2, [0.3], -9)])).toEqual([]);
    expect(feed(learningRate(), [record(0, [0.3], -10), record(1, [0.3], 0.5), record(2, [0.3], 0.5)])).toHaveLength(1);
  });

  it('stays quiet at healthy ratios (1e-4 … 3e-2) and at one large layer among small ones', () => {
    expect(feed(learningRate(), [record(0, [1e-3, 3e-2, 1e-4]), record(1, [1e-3, 5, 1e-3], 5)])).toEqual([]);
  });

  it('says "too low" only after every layer stayed below 1e-5 for 10 reports, dated from the first', () => {
    const stalled = Array.from({ length: 12 }, (_, step) => record(step, [1e-7, 3e-6, 1e-8]));
    const events = feed(learningRate(), stalled);
    expect(events.map((event) => [event.verdict, event.step, event.onset])).toEqual([['learning rate too low', 9, 0]]);
    const oneLayerMoves = Array.from({ length: 12 }, (_, step) => record(step, [1e-7, 1e-3, 1e-8]));
    expect(feed(learningRate(), oneLayerMoves)).toEqual([]);
  });

  it('says "too low" when the median is below 1e-5 and a small head slightly above while the loss stays within 10 % of its start', () => {
    // SGD 1e-5 on a tanh MLP (adversarial set): ratios 3.8e-6, 4.4e-6 and 1.6e-5 at the 33-weight head; loss 1.358 → 1.352 in 60 steps.
    const sgd = Array.from({ length: 12 }, (_, step) => record(step, [3.8e-6, 4.4e-6, 1.6e-5], 1.358 - 1e-4 * step));
    const events = feed(learningRate(), sgd);
    expect(events.map((event) => [event.verdict, event.step, event.onset])).toEqual([['learning rate too low', 9, 0]]);
    expect(events[0]!.message).toMatch(/the median update-to-weight ratio .* below 1\.00e-5 \(median 4\.40e-6, largest 1\.60e-5\)/);
    // The same ratios while the loss falls by more than 10 %: slow but moving — no event.
    expect(feed(learningRate(), sgd.map((r, step) => ({ ...r, loss: 1.358 * 0.97 ** step })))).toEqual([]);
  });

  it('never says "too low" once training has converged: gradients or loss below 1/100 of their first reports', () => {
    // A deep linear net fitting an exact target: loss 5.4 → 1e-14, gradients 5.9 → 1e-7, ratios 1e-7.
    const converging = Array.from({ length: 30 }, (_, step) =>
      record(step, step < 3 ? [1e-2, 1e-2] : [1e-7, 1e-7], 5.4 * 0.3 ** step, step < 3 ? 5.9 : 1e-7),
    );
    expect(feed(learningRate(), converging)).toEqual([]);
    // Small updates with the loss falling below 1/100 but gradients at their level (Adam near a minimum).
    const lossOnly = Array.from({ length: 30 }, (_, step) => record(step, [1e-7], step < 3 ? 1 : 1e-3));
    expect(feed(learningRate(), lossOnly)).toEqual([]);
  });

  it('leaves out gates, normalization and zero-initialised layers (their ratios are ∞ or ~1/t by construction)', () => {
    const architecture = {
      layers: new Map([
        ['layer0', { name: 'layer0', depth: 0, kind: 'dense', weightLayer: true }],
        ['layer1', { name: 'layer1', depth: 1, kind: 'gate', weightLayer: false }],
        ['layer2', { name: 'layer2', depth: 2, kind: 'dense', weightLayer: true }],
      ]),
    } as unknown as ModelArchitecture;
    const initialWeights = new Map([['layer2', { norm: 0, zero: true }]]);
    expect(feed(learningRate(), [record(0, [1e-3, 50, 0.5])], { architecture, initialWeights })).toEqual([]);
  });

  it('rejects bad options naming the option and value', () => {
    expect(() => learningRate({ high: 0 })).toThrow(/learningRate: high/);
    expect(() => learningRate({ low: 0.5, high: 0.1 })).toThrow(/low must be below high/);
    expect(() => learningRate({ severe: 0.05 })).toThrow(/severe must be at least high/);
    expect(() => learningRate({ rise: -1 })).toThrow(/learningRate: rise/);
    expect(() => learningRate({ patience: 0 })).toThrow(/learningRate: patience/);
    expect(() => learningRate({ lowPatience: 1.5 })).toThrow(/lowPatience.*1\.5/);
    expect(() => learningRate({ hihg: 1 } as never)).toThrow(/unknown option 'hihg' \(did you mean 'high'\?\)/);
  });
});
