import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize } from '@gs/core';
import { buildMlp, regressionData } from '@gs/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { deadUnits } from './dead-units.js';
import { GradientAlarmError, type Detector } from './detector.js';
import { explodingGradients } from './exploding-gradients.js';
import type { MonitorRecord } from './monitor-record.js';
import { monitor } from './monitor.js';
import { nonFiniteValues } from './non-finite-values.js';
import { saturation } from './saturation.js';
import { summarize } from './summary.js';
import { MonitorHistory } from './monitor-history.js';
import type { ModelArchitecture } from './model-architecture.js';
import { variablesOf } from './test-utils.js';
import { vanishingGradients } from './vanishing-gradients.js';

/** A record whose layer l has gradient norm norms[l]. */
function record(step: number, norms: number[], loss = 1): MonitorRecord {
  return {
    step,
    loss,
    gradientNorm: Math.sqrt(norms.reduce((sum, n) => sum + n * n, 0)),
    layers: norms.map((gradientNorm, depth) => ({ name: `layer${depth}`, depth, gradientNorm, weightNorm: 1, updateRatio: 1e-3 })),
    extras: {},
  };
}

function feed(detector: Detector, records: MonitorRecord[]) {
  const history: MonitorRecord[] = [];
  return records.flatMap((r) => {
    history.push(r);
    return detector.check(r, { history });
  });
}

describe('vanishingGradients', () => {
  it('fires once after `patience` reports in a row, names the first layer, and re-arms after recovery', () => {
    const bad = [1e-9, 1e-6, 1e-2, 1];
    const good = [0.5, 0.8, 0.9, 1];
    const events = feed(vanishingGradients({ patience: 2 }), [
      record(0, bad), record(1, good), record(2, bad), record(3, bad), record(4, bad), record(5, good), record(6, bad), record(7, bad),
    ]);
    expect(events.map((event) => event.step)).toEqual([3, 7]);
    expect(events[0]!.layer).toBe('layer0');
    expect(events[0]!.layers).toEqual(['layer0', 'layer1']); // 1e-2 is not < 1e-3 × 1
    expect(events[0]!.value).toBeCloseTo(1e-9);
  });

  it('fires on the absolute floor when the reference is ≥ 1000× above it, never when every layer is tiny (converged or dead)', () => {
    const floor = vanishingGradients({ patience: 1, floor: 1e-6, ratio: 1e-9 });
    expect(feed(floor, [record(0, [1e-8, 1e-8, 1e-3])]).map((event) => event.layers)).toEqual([['layer0', 'layer1']]);
    expect(feed(vanishingGradients({ patience: 1, floor: 1e-6 }), [record(0, [1e-8, 1e-8, 1e-8])])).toEqual([]);
  });

  it('never fires when every layer is within ratio of the last (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 12 }), (norms) => {
        const last = norms[norms.length - 1]!;
        const scaled = norms.map((n) => Math.max(n, last * 1e-3 * 1.0001));
        return feed(vanishingGradients({ patience: 1 }), [record(0, scaled)]).length === 0;
      }),
    );
  });
});

describe('vanishingGradients with the architecture', () => {
  // stem → [branch0 → branch1 → gate] + shortcut → head; layer names as residualMlp makes them.
  const architecture = {
    layers: new Map([
      ['layer0', { name: 'layer0', depth: 0, kind: 'dense', weightLayer: true }],
      ['layer1', { name: 'layer1', depth: 1, kind: 'dense', weightLayer: true, branch: 'add', gate: 'layer3' }],
      ['layer2', { name: 'layer2', depth: 2, kind: 'dense', weightLayer: true, branch: 'add', gate: 'layer3' }],
      ['layer3', { name: 'layer3', depth: 3, kind: 'gate', weightLayer: false, branch: 'add' }],
      ['layer4', { name: 'layer4', depth: 4, kind: 'dense', weightLayer: true }],
    ]),
  } as unknown as ModelArchitecture;
  const feedWith = (detector: Detector, records: MonitorRecord[]) => {
    const history: MonitorRecord[] = [];
    return records.flatMap((r) => {
      history.push(r);
      return detector.check(r, { history, architecture });
    });
  };

  it('never compares a gate or a ReZero-gated branch with the head; judges the branch after the warm-up, against its own last layer', () => {
    // Branch gradients 1e-5 of the head (gate α ≈ 1e-3), the gate itself 1e-7: by design, not vanishing.
    const gated = Array.from({ length: 14 }, (_, step) => record(step, [0.5, 1e-5, 2e-5, 1e-7, 1]));
    expect(feedWith(vanishingGradients({ warmup: 10 }), gated)).toEqual([]);
    // A branch whose first layer is 1e-6 of its last: judged only from report 11 on (patience 3 → step 12).
    const inside = Array.from({ length: 14 }, (_, step) => record(step, [0.5, 1e-8, 1e-2, 1e-7, 1]));
    const events = feedWith(vanishingGradients({ warmup: 10 }), inside);
    expect(events.map((event) => [event.step, event.layer])).toEqual([[12, 'layer1']]);
    expect(events[0]!.message).toMatch(/1\.00e-6× that of layer2/);
  });

  it('judges the main path against the deepest main-path weight layer from step 0', () => {
    const events = feedWith(vanishingGradients(), [0, 1, 2].map((step) => record(step, [1e-6, 0.5, 0.5, 0.5, 1])));
    expect(events.map((event) => [event.step, event.layer])).toEqual([[2, 'layer0']]);
  });
});

describe('explodingGradients', () => {
  it('needs an absolute level for the growth rule: a dead net going from 2.8e-8 to 1.3e-3 (46 000×) is not exploding', () => {
    const dead = [0, 1, 2].map((step) => record(step, [2e-8, 2e-8]));
    expect(feed(explodingGradients(), [...dead, record(3, [1.3e-3, 1e-4])])).toEqual([]);
    const calm = [0, 1, 2].map((step) => record(step, [0.5, 0.5]));
    expect(feed(explodingGradients(), [...calm, record(3, [150, 1])]).map((event) => event.step)).toEqual([3]);
  });

  /** `record` with every layer's update-to-weight ratio set to `ratio`. */
  const withRatio = (r: MonitorRecord, ratio: number): MonitorRecord => ({ ...r, layers: r.layers.map((layer) => ({ ...layer, updateRatio: ratio })) });

  it('fires on a norm above the threshold that makes a large step, naming the largest layer', () => {
    const events = feed(explodingGradients(), [withRatio(record(0, [5e3, 2e3, 1]), 0.5)]);
    expect(events).toHaveLength(1);
    expect(events[0]!.layer).toBe('layer0');
    expect(events[0]!.layers).toEqual(['layer0', 'layer1']);
    expect(events[0]!.message).toMatch(/2 layer\(s\) above 1000 whose steps move the weights by more than 10%/);
    // Not measured (updateRatios: false): the level alone decides, as before.
    expect(feed(explodingGradients(), [withRatio(record(0, [5e3, 2e3, 1]), Number.NaN)])).toHaveLength(1);
  });

  it('an absolute level alone is not an explosion: norms of 1e4 from targets in the thousands that Adam turns into 1e-3 steps', () => {
    const adam = [0, 1, 2, 3].map((step) => withRatio(record(step, [6e3, 1.2e4, 1.6e4], 1e7), 7e-3));
    expect(feed(explodingGradients(), adam)).toEqual([]);
    // The same norms with SGD-sized steps (‖ΔW‖/‖W‖ = 13): exploding.
    expect(feed(explodingGradients(), [withRatio(record(0, [6e3, 1.2e4, 1.6e4], 1e7), 13)]).map((event) => event.layer)).toEqual(['layer2']);
  });

  it('an absolute level with an amplifying initial layer fires whatever the step size (the signal itself blows up)', () => {
    const architecture = {
      layers: new Map([0, 1].map((depth) => [`layer${depth}`, { name: `layer${depth}`, depth, kind: 'dense', activation: 'relu', weightLayer: true }])),
    } as unknown as ModelArchitecture;
    // N(0, 1) kernels, fanIn 32: g = √32 = 5.66, amplification g / √2 = 4.
    const initialWeights = new Map([['layer0', { kernelGain: Math.sqrt(32), norm: 32, zero: false }]]);
    const events = explodingGradients().check(withRatio(record(0, [2e3, 5e3]), 1e-3), { history: [], architecture, initialWeights });
    expect(events.map((event) => event.layer)).toEqual(['layer0']);
    expect(events[0]!.message).toMatch(/amplify the signal 4× \(1 keeps it\)/);
  });

  it('fires on sudden growth of the global norm over its recent median', () => {
    const calm = [0, 1, 2, 3].map((step) => record(step, [1, 1]));
    const events = feed(explodingGradients({ growth: 10 }), [...calm, record(4, [30, 1])]);
    expect(events.map((event) => [event.step, event.layer])).toEqual([[4, 'layer0']]);
    expect(events[0]!.message).toMatch(/×its recent median|× its recent median/);
  });
});

describe('nonFiniteValues', () => {
  it('names the non-finite layer nearest the output (where backprop met it first)', () => {
    const events = feed(nonFiniteValues(), [record(0, [Number.NaN, Number.NaN, 1])]);
    expect(events[0]!.layer).toBe('layer1');
    expect(events[0]!.layers).toEqual(['layer0', 'layer1']);
  });

  it('reports a non-finite loss with finite gradients', () => {
    const events = feed(nonFiniteValues(), [record(0, [1, 1], Infinity)]);
    expect(events[0]!.message).toContain('the loss is Infinity');
    expect(events[0]!.layer).toBeUndefined();
  });
});

it('detector options are validated', () => {
  expect(() => vanishingGradients({ ratio: 0 })).toThrow(/vanishingGradients: ratio must be a finite number > 0, got 0/);
  expect(() => vanishingGradients({ patience: 0 })).toThrow(/patience must be an integer ≥ 1, got 0/);
  expect(() => explodingGradients({ threshold: -1 })).toThrow(/explodingGradients: threshold.*-1/);
  expect(() => saturation({ fraction: 1.5 })).toThrow(/saturation: fraction must be in \[0, 1\), got 1.5/);
  expect(() => deadUnits({ action: 'panic' as never })).toThrow(/deadUnits: action must be one of "warn", "stop", "throw", got "panic"/);
  expect(() => nonFiniteValues({ policy: 'skip' } as never)).toThrow(/unknown option 'policy'/);
});

describe('detector actions', () => {
  let xs: tf.Tensor2D;
  let ys: tf.Tensor2D;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    ({ xs, ys } = regressionData(16, 4));
  });
  const deepSigmoid = () => buildMlp({ inputSize: 4, depth: 12, width: 8, activation: 'sigmoid', seed: 2 });

  it("'stop' sets model.stopTraining so fit ends after the batch", async () => {
    await tf.setBackend('cpu');
    const model = deepSigmoid();
    const watcher = monitor({ detectors: [vanishingGradients({ ratio: 0.1, patience: 2, action: 'stop' })], onEvent: () => {} });
    const optimizer = stabilize(tf.train.sgd(0.1), [watcher], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const history = await model.fit(xs, ys, { epochs: 10, batchSize: 16, verbose: 0, callbacks: [optimizer.fitCallback()] });
    expect(history.epoch).toHaveLength(2);
    expect(optimizer.stopRequested).toMatch(/vanishing gradients at step 1/);
    model.dispose();
  });

  it("'throw' rejects the step with a GradientAlarmError carrying the event", async () => {
    await tf.setBackend('cpu');
    const model = deepSigmoid();
    const watcher = monitor({ detectors: [vanishingGradients({ ratio: 0.1, patience: 1, action: 'throw' })], onEvent: () => {} });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [watcher], model });
    const error = await trainer
      .step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GradientAlarmError);
    expect((error as GradientAlarmError).event.depth).toBe(0);
    trainer.dispose();
    model.dispose();
  });
});

it('summarize reports the decay rate per 10 layers from a least-squares fit', () => {
  const history = new MonitorHistory();
  // log10 norm = −12 + 0.5·depth over 21 layers → +5 orders of magnitude per 10 layers.
  history.write(record(0, Array.from({ length: 21 }, (_, depth) => 10 ** (-12 + 0.5 * depth))));
  feed(vanishingGradients({ patience: 1 }), history.records).forEach((event) => history.writeEvent(event));
  const summary = summarize(history);
  expect(summary.decadesPer10Layers).toBeCloseTo(5, 6);
  expect(summary.layers[3]!.decadesPer10Layers).toBeCloseTo(5, 6);
  expect(summary.diagnosis).toBe('vanishing');
  expect(summary.firstLayer!.gradientNorm).toBeCloseTo(1e-12, 20);
  expect(summary.text).toMatch(/shrink by 5 orders of magnitude per 10 layers/);
  expect(summary.remedies[0]).toMatch(/He initialization/);
});
