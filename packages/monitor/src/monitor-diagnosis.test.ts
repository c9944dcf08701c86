// The monitor's diagnosis does not depend on the plugin order, names the origin of a NaN without a
// probe, and says in one line when a factory was passed uncalled.
import * as tf from '@tensorflow/tfjs';
import { nonFinite } from '@gs/clipping';
import { createTrainer, stabilize, type StabilityPlugin } from '@gs/core';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import type { DetectorEvent } from './detector.js';
import { explodingGradients } from './exploding-gradients.js';
import { monitor } from './monitor.js';
import { primaryEvent } from './summary.js';
import { variablesOf } from './test-utils.js';
import { vanishingGradients } from './vanishing-gradients.js';

const backends = await testBackends();

/** SimpleRNN(32, relu) over 40 steps with recurrent N(0, 3²): the hidden state overflows inside the RNN. */
function overflowingRnn(): tf.LayersModel {
  const input = tf.input({ shape: [40, 4] });
  const hidden = tf.layers
    .simpleRNN({
      units: 32,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
      recurrentInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 3, seed: 8 }),
      name: 'rnn',
    })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1, name: 'head' }).apply(hidden) as tf.SymbolicTensor });
}

describeBackends('monitor diagnosis', backends, (backend) => {
  // wasm's ReLU can turn the NaN of Inf − Inf into 0 outside training, which hides the overflow from
  // the synthetic trace; there the probe (measured as training runs) names the layer.
  const probe = backend === 'wasm';
  for (const order of ['nonFinite() before the monitor', 'the monitor before nonFinite()']) {
    it(`names the RNN as the origin of the NaN, from the forward pass, with ${order} and ${probe ? 'a' : 'no'} probe`, async () => {
      const model = overflowingRnn();
      const xs = tf.randomNormal([16, 40, 4], 0, 1, 'float32', 1);
      const ys = tf.zeros([16, 1]);
      const events: DetectorEvent[] = [];
      const watcher = monitor({ onEvent: (event) => events.push(event), ...(probe ? { probe: xs } : {}) });
      const skip = nonFinite({ policy: 'skip' });
      const plugins: StabilityPlugin[] = order.startsWith('nonFinite') ? [skip, watcher] : [watcher, skip];
      const trainer = createTrainer({ optimizer: tf.train.adam(1e-3), plugins, model });
      await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
      const event = events.find((candidate) => candidate.verdict === 'non-finite')!;
      expect(event, JSON.stringify(events.map((e) => e.message))).toBeDefined();
      expect([event.source, event.layer], event.message).toEqual(['forward', 'rnn']);
      expect(event.message).toMatch(probe ? /rnn's output is the first non-finite one/ : /first overflows at rnn/);
      expect(watcher.summary()).toMatchObject({ diagnosis: 'non-finite', layer: 'rnn', source: 'forward' });
      trainer.dispose();
      model.dispose();
      tf.dispose([xs, ys]);
    });
  }

  it('without a probe, a NaN loss at the first step of a non-amplifying net under a compiled MSE is the data; an amplifying RNN is not called data', async () => {
    // A ratio feature x0 / x1 with some x1 = 0: Infinity in the inputs; nothing guards the update,
    // so the weights are NaN by the time the event is traced and only the first step's evidence is left.
    const run = async (model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor) => {
      const events: DetectorEvent[] = [];
      const watcher = monitor({ onEvent: (event) => events.push(event) });
      const optimizer = stabilize(tf.train.sgd(0.01), [watcher], { model });
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await model.fit(xs, ys, { epochs: 1, batchSize: xs.shape[0], verbose: 0 });
      optimizer.dispose();
      model.dispose();
      tf.dispose([xs, ys]);
      return { event: events.find((candidate) => candidate.verdict === 'non-finite')!, summary: watcher.summary() };
    };
    const mlp = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [3], activation: 'relu' }), tf.layers.dense({ units: 1 })] });
    const inputs = tf.tensor2d([[1, 0.5, 2], [2, 0, Number.POSITIVE_INFINITY], [0.3, 1, 0.3], [1, 1, 1]]);
    const data = await run(mlp, inputs, tf.ones([4, 1]));
    expect([data.event.source, data.summary.source]).toEqual(['data', 'data']);
    expect(data.event.message).toMatch(/first step, computed with the initial weights .* none amplifying the signal \(largest a = [\d.]+\).*\(meanSquaredError\)/);
    // The overflowing RNN (recurrent N(0, 3²) over 40 steps amplifies ≫ 2): its NaN is not the data's.
    const rnn = await run(overflowingRnn(), tf.randomNormal([16, 40, 4], 0, 1, 'float32', 1), tf.zeros([16, 1]));
    expect(rnn.event.source).not.toBe('data');
  });
});

it('an uncalled detector or sink factory gets one line naming it and the call', () => {
  expect(() => monitor({ detectors: [vanishingGradients as never] })).toThrow(
    /^monitor: detectors\[0\] is vanishingGradients, a factory: call it, e\.g\. vanishingGradients\(\)$/,
  );
  let message = '';
  try {
    monitor({ detectors: [explodingGradients(), explodingGradients as never] });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message.split('\n')).toHaveLength(1);
  expect(message).toContain('detectors[1] is explodingGradients, a factory');
});

it('the verdict rests on the earliest event; at the same step causes rank before symptoms', () => {
  const at = (step: number, verdict: DetectorEvent['verdict'], source?: DetectorEvent['source']): DetectorEvent => ({
    detector: String(verdict),
    verdict,
    ...(source ? { source } : {}),
    step,
    layers: [],
    value: 0,
    message: '',
    remedies: [],
    action: 'warn',
  });
  expect(primaryEvent([at(2, 'vanishing'), at(0, 'dead units')])!.verdict).toBe('dead units');
  expect(primaryEvent([at(0, 'learning rate too high'), at(0, 'exploding')])!.verdict).toBe('exploding');
  expect(primaryEvent([at(0, 'exploding'), at(0, 'non-finite', 'forward')])!.source).toBe('forward');
  expect(primaryEvent([at(0, 'non-finite', 'update'), at(0, 'learning rate too high')])!.verdict).toBe('learning rate too high');
  expect(primaryEvent([])).toBeUndefined();
  // Patience must not let a later symptom win: vanishing held from step 0 (fired at 2), dead units from step 1.
  expect(primaryEvent([at(1, 'dead units'), { ...at(2, 'vanishing'), onset: 0 }])!.verdict).toBe('vanishing');
});
