import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin } from '@gs/core';
import { buildMlp, countHostSyncs, describeBackends, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate-gradients.js';
import { centralizeGradients } from './centralize-gradients.js';
import { cosineDecay } from './cosine-decay.js';
import { emaWeights } from './ema-weights.js';
import { lookahead } from './lookahead.js';
import { skipLargeUpdates } from './skip-large-updates.js';
import { trustRatio } from './trust-ratio.js';
import { PLUGINS, keepReports, variablesOf } from './test-utils.js';

const backends = await testBackends();

describeBackends('every @gs/optim plugin together', backends, (backend) => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(64, 4);
  });
  afterAll(() => tf.dispose(data));

  it('trains under fit in one list, in an order that makes sense, with finite weights and a falling loss', async () => {
    const model = buildMlp({ inputSize: 4, depth: 2, width: 16, activation: 'tanh', seed: 41 });
    const ema = emaWeights({ decay: 0.9 });
    const plugins: StabilityPlugin[] = [
      skipLargeUpdates({ maxNorm: 1e3 }),
      accumulateGradients({ steps: 2 }),
      centralizeGradients(),
      cosineDecay({ decaySteps: 40, warmupSteps: 4, endFactor: 0.1 }),
      trustRatio({ weightDecay: 1e-4, exclude: (param) => param.shape.length < 2 }),
      ema,
      lookahead({ syncPeriod: 4 }),
    ];
    const optimizer = stabilize(tf.train.adam(0.02), [...plugins, keepReports([])], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const history = await model.fit(data.xs, data.ys, { epochs: 10, batchSize: 16, shuffle: false, verbose: 0 });
    await optimizer.flush();
    const losses = history.history['loss']!.map(Number);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    expect(optimizer.optimizer.iterations).toBe(20); // 40 micro-batches, 2 per update
    expect((await readWeights(model)).every((w) => w.every(Number.isFinite))).toBe(true);
    const averageLoss = await ema.withAverage(() => model.evaluate(data.xs, data.ys) as tf.Scalar);
    expect(Number.isFinite((await averageLoss.data())[0]!)).toBe(true);
    averageLoss.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('adds no host sync to a step, with every plugin in one list and recording on', async () => {
    const model = buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 42 });
    const variables = variablesOf(model);
    const loss = () => tf.losses.meanSquaredError(data.ys, model.predict(data.xs) as tf.Tensor) as tf.Scalar;
    const syncsPerStep = async (plugins: StabilityPlugin[], make: () => tf.Optimizer) => {
      const optimizer = stabilize(make(), [...plugins, keepReports([])], { model });
      const counts: number[] = [];
      for (let step = 0; step < 4; step++) counts.push(countHostSyncs(() => optimizer.minimize(loss, false, variables)));
      await optimizer.flush();
      optimizer.dispose();
      return counts;
    };
    // Baseline: the same step with no plugin (on wasm, model.predict's batch Slice reads synchronously).
    const baseline = await syncsPerStep([], () => tf.train.adam(0.01));
    // One schedule per optimizer, and LARS needs momentum: split the list in two runs.
    const isSchedule = (name: string) => ['warmup', 'cosine', 'stepDecay', 'oneCycle', 'learningRateSchedule'].some((s) => name.startsWith(s));
    const adamPlugins = PLUGINS.filter(([name, , optimizerFor]) => !optimizerFor && !isSchedule(name)).map(([, make]) => make());
    expect(await syncsPerStep([...adamPlugins, cosineDecay({ decaySteps: 10 })], () => tf.train.adam(0.01))).toEqual(baseline);
    const larsPlugins = PLUGINS.filter(([, , optimizerFor]) => optimizerFor).map(([, make]) => make());
    expect(await syncsPerStep([...larsPlugins, cosineDecay({ decaySteps: 10 })], () => tf.train.momentum(0.01, 0.9))).toEqual(baseline);
    if (backend !== 'wasm') expect(baseline).toEqual([0, 0, 0, 0]);
    model.dispose();
  });
});
