import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize, type StepReport } from '@gs/core';
import {
  buildMlp,
  countHostSyncs,
  countReadbacks,
  describeBackends,
  expectClose,
  expectNoLeak,
  regressionData,
  testBackends,
} from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DetectorEvent } from './detector.js';
import { monitor } from './monitor.js';
import { injectNaN, variablesOf } from './test-utils.js';
import { nonFiniteValues } from './non-finite-values.js';

const backends = await testBackends();

describeBackends('monitor', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));

  const lossOf = (model: tf.LayersModel) => () =>
    tf.losses.meanSquaredError(data.ys, model.apply(data.xs) as tf.Tensor) as tf.Scalar;

  it('per-layer and global gradient norms, weight norms and update ratios equal a by-hand computation', async () => {
    const model = buildMlp({ inputSize: 4, depth: 3, width: 8, activation: 'tanh', seed: 3 });
    const reference = buildMlp({ inputSize: 4, depth: 3, width: 8, activation: 'tanh', seed: 3 });
    const watcher = monitor({ perParameter: true, detectors: [] });
    const learningRate = 0.1;
    const trainer = createTrainer({ optimizer: tf.train.sgd(learningRate), plugins: [watcher], model });
    await trainer.step(lossOf(model), variablesOf(model));

    // By hand: gradients of the same loss at the same weights, per layer sqrt(Σ g²) over kernel and
    // bias; SGD's update is −lr·g, so ‖ΔW‖ = lr·‖g‖ and ‖W_after‖ = ‖W − lr·g‖.
    const { grads } = tf.variableGrads(lossOf(reference), variablesOf(reference));
    const weights = variablesOf(reference);
    const pairs = [0, 1, 2, 3].map((layer) => [weights[2 * layer]!, weights[2 * layer + 1]!] as const);
    const sumSquares = (ts: tf.Tensor[]) => tf.addN(ts.map((t) => tf.sum(tf.square(t))));
    const expectedGradient = pairs.map(([k, b]) => tf.sqrt(sumSquares([grads[k.name]!, grads[b.name]!])));
    const expectedBefore = pairs.map(([k, b]) => tf.sqrt(sumSquares([k, b])));
    const expectedAfter = pairs.map(([k, b]) =>
      tf.sqrt(sumSquares([tf.sub(k, tf.mul(learningRate, grads[k.name]!)), tf.sub(b, tf.mul(learningRate, grads[b.name]!))])),
    );
    const record = watcher.history.latest!;
    expect(record.layers.map((layer) => layer.depth)).toEqual([0, 1, 2, 3]);
    await expectClose(record.layers.map((layer) => layer.gradientNorm), tf.stack(expectedGradient), { rtol: 1e-4 });
    await expectClose(record.layers.map((layer) => layer.weightNorm), tf.stack(expectedAfter), { rtol: 1e-4 });
    await expectClose(
      record.layers.map((layer) => layer.updateRatio),
      tf.div(tf.mul(learningRate, tf.stack(expectedGradient)), tf.stack(expectedBefore)),
      { rtol: 1e-3 },
    );
    await expectClose([record.gradientNorm], tf.norm(tf.stack(expectedGradient)), { rtol: 1e-4 });
    const kernel = variablesOf(model)[0]!.name;
    await expectClose([record.layers[0]!.parameterGradientNorms![kernel]!], tf.norm(grads[weights[0]!.name]!), { rtol: 1e-4 });
    expect(record.layers[0]!.activation).toBe('tanh');
    tf.dispose([grads, expectedGradient, expectedBefore, expectedAfter]);
    trainer.dispose();
    model.dispose();
    reference.dispose();
  });

  it('reads back exactly once per reported step, never syncs inside the step, and leaks nothing', async () => {
    const model = buildMlp({ inputSize: 4, depth: 3, width: 8, activation: 'relu', seed: 4 });
    const watcher = monitor({ perParameter: true, probe: data.xs.slice(0, 8), detectors: [] });
    const optimizer = stabilize(tf.train.adam(0.01), [watcher], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const vars = variablesOf(model);
    const step = () => {
      const loss = optimizer.minimize(lossOf(model), true, vars);
      loss?.dispose();
    };
    step();
    await optimizer.flush();
    let syncs = -1;
    const readbacks = await countReadbacks(async () => {
      syncs = countHostSyncs(step);
      await optimizer.flush();
    });
    expect(syncs).toBe(0);
    expect(readbacks).toBe(1);
    const record = watcher.history.latest!;
    expect(record.layers[0]!.activations?.deadFraction).toBeGreaterThanOrEqual(0);
    // Each step's packed readback is freed when its data() resolves: wait for it before counting.
    await expectNoLeak(async () => {
      step();
      await optimizer.flush();
    }, { warmup: 2, steps: 20 });
    await optimizer.flush();
    expect(watcher.history.records).toHaveLength(24); // 1 + 1 counted + 2 warm-up + 20 measured steps
    optimizer.dispose();
    model.dispose();
  });

  it('measures only every k-th step and keeps the loss of every step', async () => {
    const model = buildMlp({ inputSize: 4, depth: 2, width: 8, seed: 5 });
    const watcher = monitor({ every: 3, detectors: [] });
    model.compile({ optimizer: stabilize(tf.train.sgd(0.05), [watcher], { model }), loss: 'meanSquaredError' });
    const history = await model.fit(data.xs, data.ys, { epochs: 7, batchSize: 32, shuffle: false, verbose: 0 });
    await (model.optimizer as unknown as { flush(): Promise<void> }).flush();
    expect(watcher.history.records.map((record) => record.step)).toEqual([0, 3, 6]);
    expect(watcher.history.losses.map((point) => point.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(watcher.history.losses[4]!.loss).toBeCloseTo(history.history['loss']![4] as number, 5);
    model.dispose();
  });

  it('attributes a NaN injected into one layer\'s gradient to that layer', async () => {
    const model = buildMlp({ inputSize: 4, depth: 4, width: 8, activation: 'tanh', seed: 6 });
    const target = variablesOf(model)[4]!; // kernel of depth 2
    const events: DetectorEvent[] = [];
    const watcher = monitor({ detectors: [nonFiniteValues()], onEvent: (event) => events.push(event) });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.01), plugins: [injectNaN(target.name), watcher], model });
    await trainer.step(lossOf(model), variablesOf(model));
    const layers = watcher.history.latest!.layers;
    expect(layers.map((layer) => Number.isNaN(layer.gradientNorm))).toEqual([false, false, true, false, false]);
    expect(events).toHaveLength(1);
    expect(events[0]!.layer).toBe(layers[2]!.name);
    expect(events[0]!.depth).toBe(2);
    expect(events[0]!.step).toBe(0);
    expect(events[0]!.message).toContain(layers[2]!.name);
    trainer.dispose();
    model.dispose();
  });

  it('surfaces other plugins\' records in the record extras', async () => {
    const model = buildMlp({ inputSize: 4, depth: 1, width: 4, seed: 7 });
    const other = {
      name: 'clipByGlobalNorm',
      transformGradients: (_grads: unknown, ctx: { record(name: string, value: tf.Tensor | number): void }) => {
        ctx.record('norm', tf.scalar(2.5));
      },
      onReport: (_report: StepReport) => {},
    };
    const watcher = monitor({ detectors: [] });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.01), plugins: [other, watcher], model });
    await trainer.step(lossOf(model), variablesOf(model));
    expect(watcher.history.latest!.extras).toEqual({ 'clipByGlobalNorm/norm': 2.5 });
    trainer.dispose();
    model.dispose();
  });
});

it('rejects bad options with errors naming the option and value', async () => {
  expect(() => monitor({ every: 0 })).toThrow(/monitor: every must be an integer ≥ 1, got 0/);
  expect(() => monitor({ every: 1.5 })).toThrow(/every.*1\.5/);
  expect(() => monitor({ probeEvery: -2 })).toThrow(/probeEvery.*-2/);
  expect(() => monitor({ sinks: ['csv' as never] })).toThrow(/monitor: sinks\[0\] must be a sink object.*got "csv"/);
  expect(() => monitor({ sinks: [{ name: 'x' } as never] })).toThrow(/monitor: sinks\[0\] must be a sink object/);
  expect(() => monitor({ detectors: [{} as never] })).toThrow(/monitor: detectors\[0\] must be a detector/);
  expect(() => monitor({ history: { maxRecord: 5 } as never })).toThrow(/monitor: unknown option 'maxRecord' \(did you mean 'maxRecords'\?\)/);
  expect(() => monitor({ history: { maxRecords: 0 } })).toThrow(/monitor: history.maxRecords must be an integer ≥ 1, got 0/);
  expect(() => monitor({ perParameter: 'false' as never })).toThrow(/monitor: perParameter must be true or false, got "false"/);
  expect(() => monitor({ every: null as never })).toThrow(/monitor: every must be given a value or omitted/);
  expect(() => monitor(null as never)).toThrow(/monitor: options must be an object/);
  expect(() => monitor({ evry: 2 } as never)).toThrow(/unknown option 'evry'/);
  expect(() => monitor({ probe: [1, 2] as never })).toThrow(/probe must be a tf.Tensor/);

  const model = buildMlp({ inputSize: 4, depth: 1, width: 4, seed: 8 });
  const { xs, ys } = regressionData(8, 4);
  const lossFn = () => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar;
  const wrongShape = tf.zeros([8, 5]);
  const withModel = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [monitor({ probe: wrongShape })], model });
  await expect(withModel.step(lossFn, variablesOf(model))).rejects.toThrow(
    /monitor: probe must be a batch shaped like the model's input \[n, 4\], got \[8, 5\]/,
  );
  const noModel = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [monitor({ probe: xs })] });
  await expect(noModel.step(lossFn, variablesOf(model))).rejects.toThrow(/probe needs the model/);
  tf.dispose([xs, ys, wrongShape]);
  model.dispose();
});
