import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin, type StepReport } from '@gs/core';
import {
  buildMlp,
  countHostSyncs,
  describeBackends,
  expectClose,
  readWeights,
  regressionData,
  testBackends,
} from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { clipGradsByGlobalNorm } from './global-norm.js';
import { nonFinite } from './non-finite.js';
import { TRANSFORMS } from './test-utils.js';

const backends = await testBackends();

/** Test plugin: keeps every report (and makes core read recorded values back). */
function keepReports(reports: StepReport[]): StabilityPlugin {
  return { name: 'reports', onReport: (report) => void reports.push(report) };
}

const variablesOf = (model: tf.LayersModel) => model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);


describeBackends('clipping inside model.fit', backends, (backend) => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = (seed = 5) => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed });

  it('clipByGlobalNorm in fit gives, at every step, the update of clipping by hand in a custom loop (Adam)', async () => {
    const reports: StepReport[] = [];
    const fitted = model();
    const byHand = model();
    const optimizer = stabilize(tf.train.adam(0.01), [clipByGlobalNorm(0.05), keepReports(reports)], { model: fitted });
    fitted.compile({ optimizer, loss: 'meanSquaredError' });
    const handOptimizer = tf.train.adam(0.01);
    const handVariables = variablesOf(byHand);
    for (let step = 0; step < 6; step++) {
      await fitted.fit(data.xs, data.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      // By hand: gradients of the same loss, clipped with the pure helper, applied by a bare Adam.
      const { value, grads } = tf.variableGrads(
        () => tf.losses.meanSquaredError(data.ys, byHand.predict(data.xs) as tf.Tensor) as tf.Scalar,
        handVariables,
      );
      const clipped = clipGradsByGlobalNorm(grads, 0.05);
      handOptimizer.applyGradients(Object.entries(clipped.grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose([value, grads, clipped.grads, clipped.norm, clipped.scale]);
      const [a, b] = [await readWeights(fitted), await readWeights(byHand)];
      for (let i = 0; i < a.length; i++) await expectClose(a[i]!, b[i]!, { rtol: 1e-4, atol: 1e-6 });
    }
    await optimizer.flush();
    // Clipping really acted on every step (the norm is far above 0.05).
    expect(reports.map((r) => r.values['clipByGlobalNorm/clipped'])).toEqual([1, 1, 1, 1, 1, 1]);
    for (const report of reports) expect(report.values['clipByGlobalNorm/norm'] as number).toBeGreaterThan(0.05);
    optimizer.dispose();
    handOptimizer.dispose();
    fitted.dispose();
    byHand.dispose();
  });

  it('adds no host sync to a step, with every transform in one list and recording on', async () => {
    const m = model();
    const variables = variablesOf(m);
    const loss = () => tf.losses.meanSquaredError(data.ys, m.predict(data.xs) as tf.Tensor) as tf.Scalar;
    const syncsPerStep = async (plugins: StabilityPlugin[]) => {
      const optimizer = stabilize(tf.train.adam(0.01), [...plugins, keepReports([])], { model: m });
      const counts: number[] = [];
      for (let step = 0; step < 3; step++) counts.push(countHostSyncs(() => optimizer.minimize(loss, false, variables)));
      await optimizer.flush();
      optimizer.dispose();
      return counts;
    };
    expect(await syncsPerStep([])).toEqual([0, 0, 0]);
    expect(await syncsPerStep(TRANSFORMS.map(([, make]) => make()))).toEqual([0, 0, 0]);
    // The counter does see a sync when there is one, so the zeros above mean something
    // (arraySync throws on WebGPU in Node, so the probe runs on cpu and wasm).
    if (backend !== 'webgpu') {
      const probe = tf.add(tf.scalar(1), 1);
      expect(countHostSyncs(() => void probe.arraySync())).toBeGreaterThan(0);
      probe.dispose();
    }
    m.dispose();
  });

  it("nonFinite('skip') and core's skipUpdateIf add no host sync", async () => {
    const m = model();
    const variables = variablesOf(m);
    const loss = () => tf.losses.meanSquaredError(data.ys, m.predict(data.xs) as tf.Tensor) as tf.Scalar;
    const syncs = async (plugin: StabilityPlugin) => {
      const optimizer = stabilize(tf.train.adam(0.01), [plugin, keepReports([])], { model: m });
      optimizer.minimize(loss, false, variables);
      const count = countHostSyncs(() => optimizer.minimize(loss, false, variables));
      await optimizer.flush();
      optimizer.dispose();
      return count;
    };
    // Core's skipUpdateIf alone (the condition is computed from a gradient, so it lives on the
    // device as nonFinite's does), then nonFinite, which also zeroes the gradients on the device.
    const coreOnly = await syncs({
      name: 'coreSkip',
      transformGradients: (grads, ctx) => ctx.skipUpdateIf(tf.greater(tf.sum(tf.abs(Object.values(grads)[0]!)), Infinity)),
    });
    expect(coreOnly).toBe(0);
    expect(await syncs(nonFinite({ policy: 'skip' }))).toBe(0);
    expect(await syncs(nonFinite({ policy: 'throw' }))).toBe(0);
    m.dispose();
  });
});
