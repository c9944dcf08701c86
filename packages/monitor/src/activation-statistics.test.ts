import * as tf from '@tensorflow/tfjs';
import { createTrainer } from '@gs/core';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { deadUnits } from './dead-units.js';
import type { DetectorEvent } from './detector.js';
import { monitor } from './monitor.js';
import { saturation } from './saturation.js';
import { variablesOf } from './test-utils.js';

const backends = await testBackends();

/**
 * Layer 0: relu, zero kernel, bias [1, −1, 0.5, −2] → every example outputs [1, 0, 0.5, 0].
 * Layer 1: sigmoid, zero kernel, bias [0, 10, −10, 3] → σ = [0.5, 0.99995, 4.54e-5, 0.9526].
 */
function craftedModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', weights: [tf.zeros([3, 4]), tf.tensor1d([1, -1, 0.5, -2])] }),
      tf.layers.dense({ units: 4, activation: 'sigmoid', weights: [tf.zeros([4, 4]), tf.tensor1d([0, 10, -10, 3])] }),
      tf.layers.dense({ units: 1 }),
    ],
  });
}

describeBackends('activation statistics from a probe batch', backends, () => {
  it('equal hand-computed mean, std, dead and saturated fractions; the detectors name the layers', async () => {
    const model = craftedModel();
    const xs = tf.randomNormal([8, 3], 0, 1, 'float32', 1);
    const ys = tf.zeros([8, 1]);
    const events: DetectorEvent[] = [];
    const watcher = monitor({
      probe: xs,
      detectors: [deadUnits({ fraction: 0.4 }), saturation({ fraction: 0.4 })],
      onEvent: (event) => events.push(event),
    });
    // Learning rate 0: the statistics are those of the crafted weights.
    const trainer = createTrainer({ optimizer: tf.train.sgd(0), plugins: [watcher], model });
    await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
    const [relu, sigmoid, output] = watcher.history.latest!.layers;
    // relu outputs {1, 0, 0.5, 0}: mean 0.375, var = (1 + 0.25)/4 − 0.375² = 0.171875; units 1 and 3 dead.
    await expectClose([relu!.activations!.mean, relu!.activations!.std, relu!.activations!.deadFraction!], [0.375, Math.sqrt(0.171875), 0.5], { rtol: 1e-5 });
    expect(relu!.activations!.saturatedFraction).toBeUndefined();
    // sigmoid outputs: y(1−y)/0.25 = [1, 1.8e-4, 1.8e-4, 0.18] → 2 of 4 below 0.05.
    const y = [0, 10, -10, 3].map((x) => 1 / (1 + Math.exp(-x)));
    const mean = y.reduce((a, b) => a + b) / 4;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    await expectClose([sigmoid!.activations!.mean, sigmoid!.activations!.std, sigmoid!.activations!.saturatedFraction!], [mean, Math.sqrt(variance), 0.5], { rtol: 1e-4 });
    expect(output!.activations!.deadFraction).toBeUndefined();
    expect(events.map((event) => [event.detector, event.layer])).toEqual([
      ['deadUnits', relu!.name],
      ['saturation', sigmoid!.name],
    ]);
    trainer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it("does not call a model's sigmoid output layer saturated (a confident classifier), only hidden layers", async () => {
    // Head bias 10: every output is sigmoid(10) ≈ 0.99995, y(1−y)/0.25 ≈ 1.8e-4 — saturated by the
    // numbers, but it is the prediction, and binary cross-entropy's gradient p − y skips σ'.
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', weights: [tf.zeros([4, 1]), tf.tensor1d([10])] }),
      ],
    });
    const xs = tf.randomNormal([8, 3], 0, 1, 'float32', 2);
    const ys = tf.ones([8, 1]);
    const events: DetectorEvent[] = [];
    const watcher = monitor({ probe: xs, detectors: [saturation()], onEvent: (event) => events.push(event) });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0), plugins: [watcher], model });
    await trainer.step(() => tf.losses.logLoss(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
    const head = watcher.history.latest!.layers[1]!;
    expect(head.activations!.saturatedFraction).toBe(1);
    expect(watcher.architecture!.layers.get(head.name)!.output).toBe(true);
    expect(events).toEqual([]);
    trainer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('runs the probe only on probe steps', async () => {
    const model = craftedModel();
    const xs = tf.randomNormal([8, 3], 0, 1, 'float32', 2);
    const ys = tf.zeros([8, 1]);
    const watcher = monitor({ probe: xs, probeEvery: 2, detectors: [] });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.01), plugins: [watcher], model });
    for (let i = 0; i < 4; i++) {
      await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
    }
    expect(watcher.history.records.map((record) => record.layers[0]!.activations !== undefined)).toEqual([true, false, true, false]);
    trainer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
