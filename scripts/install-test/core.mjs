// @gs/core installed alone: an existing-style model.fit with stabilize() and a hand-written
// plugin that halves the gradients and records their norm; checks the report reaches onReport,
// that the loss goes down, and that the halving really happened (same step as bare SGD at lr/2).
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { assert, fitAndCheck, regressionData, runInstallTest } from './check.mjs';

function buildModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  return model;
}

await runInstallTest(async () => {
  const { xs, ys } = regressionData();
  const norms = [];
  const halve = {
    name: 'halve',
    transformGradients(grads, ctx) {
      ctx.record('norm', tf.norm(Object.values(grads)[0]));
      return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, 0.5)]));
    },
    onReport(_report, { own }) {
      norms.push(own.norm);
    },
  };
  const model = buildModel();
  const optimizer = stabilize(tf.train.sgd(0.05), [halve], { model });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys, { epochs: 6 });
  await optimizer.flush();
  assert(norms.length === 6 * 4, `onReport saw every step (${norms.length} of 24)`);
  assert(norms.every((n) => Number.isFinite(n) && n > 0), 'recorded norms are positive numbers');

  // One step of stabilize(sgd(0.1), [halve]) equals one step of bare sgd(0.05).
  const [a, b] = [buildModel(), buildModel()];
  a.compile({ optimizer: stabilize(tf.train.sgd(0.1), [{ name: 'halve', transformGradients: halve.transformGradients }], { model: a }), loss: 'meanSquaredError' });
  b.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
  await a.trainOnBatch(xs, ys);
  await b.trainOnBatch(xs, ys);
  const diff = await tf.tidy(() => tf.max(tf.abs(a.getWeights()[0].sub(b.getWeights()[0])))).data();
  assert(diff[0] < 1e-6, `halving plugin == sgd at half the rate (max diff ${diff[0]})`);
  return { loss, reports: norms.length };
});
