import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin } from '@gs/core';
import { buildMlp, describeBackends, expectNoLeak, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SKIPPING, TRANSFORMS } from './test-utils.js';

const backends = await testBackends();

/** Transforms that keep tensors across steps (history, statistics, counters). */
const STATEFUL = new Set(['autoClip', 'zClip', "nonFinite('zero')", "nonFinite('skip')", "nonFinite('throw')"]);

const variablesOf = (model: tf.LayersModel) => model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);

describeBackends('no leaks', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = (seed = 5) => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed });
  const listener: StabilityPlugin = { name: 'reports', onReport: () => {} };

  for (const [name, make] of [...TRANSFORMS, ...SKIPPING]) {
    it(`${name}: tf.memory().numTensors stays flat over 100 steps`, async () => {
      const m = model();
      const start = tf.memory().numTensors;
      const plugin = make();
      const optimizer = stabilize(tf.train.adam(0.01), [plugin, listener], { model: m });
      const variables = variablesOf(m);
      const loss = () => tf.losses.meanSquaredError(data.ys, m.predict(data.xs) as tf.Tensor) as tf.Scalar;
      await expectNoLeak(
        () => {
          optimizer.minimize(loss, false, variables);
          return optimizer.flush();
        },
        { steps: 100 },
      );
      // The plugin's dispose() frees the state it keeps across steps (stateless ones keep none).
      const before = tf.memory().numTensors;
      plugin.dispose?.();
      const freed = before - tf.memory().numTensors;
      if (STATEFUL.has(name)) expect(freed).toBeGreaterThan(0);
      else expect(freed).toBe(0);
      optimizer.dispose();
      expect(tf.memory().numTensors, 'tensors left after optimizer.dispose()').toBe(start);
      m.dispose();
    });
  }
});
