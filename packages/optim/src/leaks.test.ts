import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize } from '@gs/core';
import { buildMlp, describeBackends, expectNoLeak, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PLUGINS, keepReports, variablesOf } from './test-utils.js';

const backends = await testBackends();

describeBackends('no leaks', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(16, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = () => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 5 });
  const lossOf = (m: tf.LayersModel) => () => tf.losses.meanSquaredError(data.ys, m.predict(data.xs) as tf.Tensor) as tf.Scalar;

  for (const [name, make, optimizerFor = () => tf.train.adam(0.01)] of PLUGINS) {
    it(`${name}: numTensors stays flat through minimize, fit and createTrainer; dispose frees everything it kept`, async () => {
      const m = model();
      // tfjs 4.22's Momentum.dispose leaves its cached learning-rate scalar: count what a bare
      // optimizer of this kind leaves behind, per optimizer built below.
      const probe = tf.memory().numTensors;
      optimizerFor().dispose();
      const leftByTfjs = tf.memory().numTensors - probe;
      let start = tf.memory().numTensors;
      const plugin = make();
      const optimizer = stabilize(optimizerFor(), [plugin, keepReports([])], { model: m });
      const variables = variablesOf(m);
      await expectNoLeak(() => {
        optimizer.minimize(lossOf(m), false, variables);
        return optimizer.flush();
      }, { steps: 20 });
      optimizer.dispose(); // disposes the plugin and the wrapped optimizer's state
      start += leftByTfjs;
      expect(tf.memory().numTensors).toBe(start);

      const fitted = make();
      const fitOptimizer = stabilize(optimizerFor(), [fitted, keepReports([])], { model: m });
      m.compile({ optimizer: fitOptimizer, loss: 'meanSquaredError' });
      await expectNoLeak(() => m.fit(data.xs, data.ys, { epochs: 1, batchSize: 8, verbose: 0 }), { steps: 6 });
      await fitOptimizer.flush();
      fitOptimizer.dispose();
      start += leftByTfjs;
      expect(tf.memory().numTensors).toBe(start);

      const trainer = createTrainer({ optimizer: tf.train.sgd(0.01), plugins: [make(), keepReports([])], model: m });
      await expectNoLeak(() => trainer.step(lossOf(m), variables), { steps: 10 });
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(start);
      m.dispose();
    });
  }
});
