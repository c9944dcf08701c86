import { describe, expect, it } from 'vitest';
import type { Detector, DetectorContext } from './detector.js';
import { learningRate } from './learning-rate.js';
import type { MonitorRecord } from './monitor-record.js';
import type { ModelArchitecture } from './model-architecture.js';

function record(step: number, ratios: number[]): MonitorRecord {
  return {
    step,
    gradientNorm: 1,
    layers: ratios.map((updateRatio, depth) => ({ name: `layer${depth}`, depth, gradientNorm: 1, weightNorm: 1, updateRatio })),
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
  it('says "too high" at the first report whose median ratio is above 0.1, naming the largest layer', () => {
    const events = feed(learningRate(), [record(0, [0.05, 0.3, 2, 0.2])]);
    expect(events.map((event) => [event.verdict, event.step, event.layer])).toEqual([['learning rate too high', 0, 'layer2']]);
    expect(events[0]!.value).toBeCloseTo(0.25); // median of 0.05, 0.2, 0.3, 2
    expect(events[0]!.message).toMatch(/median 0\.25 over 4 weight layer/);
  });

  it('stays quiet at healthy ratios (1e-4 … 3e-2) and at one large layer among small ones', () => {
    expect(feed(learningRate(), [record(0, [1e-3, 3e-2, 1e-4]), record(1, [1e-3, 5, 1e-3])])).toEqual([]);
  });

  it('says "too low" only after every layer stayed below 1e-5 for 10 reports', () => {
    const stalled = Array.from({ length: 12 }, (_, step) => record(step, [1e-7, 3e-6, 1e-8]));
    const events = feed(learningRate(), stalled);
    expect(events.map((event) => [event.verdict, event.step])).toEqual([['learning rate too low', 9]]);
    const oneLayerMoves = Array.from({ length: 12 }, (_, step) => record(step, [1e-7, 1e-3, 1e-8]));
    expect(feed(learningRate(), oneLayerMoves)).toEqual([]);
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
    expect(() => learningRate({ lowPatience: 1.5 })).toThrow(/lowPatience.*1\.5/);
    expect(() => learningRate({ hihg: 1 } as never)).toThrow(/unknown option 'hihg' \(did you mean 'high'\?\)/);
  });
});
