import * as tf from '@tensorflow/tfjs';
import type { StabilityPlugin, StepReport } from '@gs/core';
import { stabilize } from '@gs/core';
import { buildMlp, describeBackends, expectClose, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapGradients } from './gradient-map.js';
import { nonFinite } from './non-finite.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

/** Test plugin: multiplies the gradient of parameter `index` by NaN on the steps `when` selects. */
function injectNaN(when: (step: number) => boolean, index: number): StabilityPlugin {
  return {
    name: 'injectNaN',
    transformGradients: (grads, ctx) =>
      when(ctx.step) ? mapGradients(grads, (g, name) => (name === ctx.params[index]!.name ? tf.mul(g, Number.NaN) : g)) : grads,
  };
}

/** Test plugin: keeps every report. */
function keepReports(reports: StepReport[]): StabilityPlugin {
  return { name: 'reports', onReport: (report) => void reports.push(report) };
}

const allFinite = (arrays: Float32Array[]) => arrays.every((a) => a.every(Number.isFinite));

describeBackends('nonFinite in fit', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(16, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = () => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 3 });
  const oneStep = (m: tf.LayersModel) => m.fit(data.xs, data.ys, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });

  it("'skip': a NaN gradient at step k leaves every weight and Adam's state finite, weights unchanged at k; training continues", async () => {
    const reports: StepReport[] = [];
    const guard = nonFinite({ policy: 'skip' });
    const m = model();
    const optimizer = stabilize(tf.train.adam(0.01), [injectNaN((step) => step === 2, 2), guard, keepReports(reports)], { model: m });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    const history: Float32Array[][] = [await readWeights(m)];
    for (let step = 0; step < 5; step++) {
      await oneStep(m);
      history.push(await readWeights(m));
    }
    await optimizer.flush();
    // history[k] holds the weights before step k; step 2 was skipped.
    expect(history[3]!.map((w) => Array.from(w))).toEqual(history[2]!.map((w) => Array.from(w)));
    for (const k of [0, 1, 3, 4]) expect(history[k + 1]![0]).not.toEqual(history[k]![0]);
    expect(history.every(allFinite)).toBe(true);
    const adamState = await Promise.all((await optimizer.getWeights()).map(async (w) => (await w.tensor.data()) as Float32Array));
    expect(allFinite(adamState)).toBe(true);
    expect(guard.stats.nonFiniteSteps).toBe(1);
    expect(guard.stats.consecutive).toBe(0);
    expect(reports.map((r) => r.values['nonFinite/nonFinite'])).toEqual([0, 0, 1, 0, 0]);
    expect(reports.map((r) => r.values['nonFinite/nonFiniteSteps'])).toEqual([0, 0, 1, 1, 1]);
    // Only the injected parameter (index 2, the second layer's kernel) is flagged.
    expect(reports[2]!.values['nonFinite/flags']).toEqual([0, 0, 1, 0, 0, 0]);
    optimizer.dispose();
    m.dispose();
  });

  it("'skip': after maxConsecutive skipped steps the next report fails fit with an error naming the parameter", async () => {
    const m = model();
    const optimizer = stabilize(tf.train.adam(0.01), [injectNaN((step) => step >= 1, 4), nonFinite({ maxConsecutive: 3 })], { model: m });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    await oneStep(m);
    const afterFirst = await readWeights(m);
    const fit = m.fit(data.xs, data.ys, { epochs: 10, batchSize: 16, shuffle: false, verbose: 0, callbacks: [optimizer.fitCallback()] });
    await expect(fit).rejects.toThrow(
      /nonFinite: 3 consecutive steps from step 1 had non-finite gradients.*first non-finite parameter: dense_Dense\d+\/kernel \(1 of 6 parameters/,
    );
    const name = m.trainableWeights[4]!.name;
    await expect(optimizer.flush()).rejects.toThrow(name);
    expect((await readWeights(m)).map((w) => Array.from(w))).toEqual(afterFirst.map((w) => Array.from(w)));
    m.dispose();
  });

  it("'throw': the first report with a non-finite gradient throws; the bad update was not applied", async () => {
    const m = model();
    const optimizer = stabilize(tf.train.sgd(0.1), [injectNaN((step) => step === 1, 0), nonFinite({ policy: 'throw' })], { model: m });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    await oneStep(m);
    const before = await readWeights(m);
    const fit = m.fit(data.xs, data.ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, callbacks: [optimizer.fitCallback()] });
    await expect(fit).rejects.toThrow(/nonFinite \(policy 'throw'\): non-finite gradient \(NaN\/Infinity\) at step 1; first non-finite parameter: dense_Dense\d+\/kernel/);
    expect((await readWeights(m)).map((w) => Array.from(w))).toEqual(before.map((w) => Array.from(w)));
    m.dispose();
  });

  it("'skip' with every = 4: a run that reached the limit between reports still trips at the next report", async () => {
    const m = model();
    const guard = nonFinite({ maxConsecutive: 3 });
    const optimizer = stabilize(tf.train.sgd(0.1), [injectNaN((step) => step >= 1 && step <= 3, 1), guard], { model: m, every: 4 });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    // Steps 0..3: only step 0 reports (clean). Steps 1-3 are skipped; step 4 is clean and reports.
    for (let step = 0; step < 4; step++) await oneStep(m);
    await optimizer.flush();
    expect(guard.stats.nonFiniteSteps).toBe(0);
    // fit waits for every report before it resolves, so the error rejects the fit that ran step 4.
    const tripped = /3 consecutive steps from step 1 .*first non-finite parameter: dense_Dense\d+\/bias/;
    await expect(oneStep(m)).rejects.toThrow(tripped);
    await expect(optimizer.flush()).rejects.toThrow(tripped);
    expect(guard.stats.nonFiniteSteps).toBe(3);
    m.dispose();
  });
});

describeBackends('nonFinite zero policy', backends, () => {
  it("'zero' replaces NaN/±Infinity entries by 0 and keeps finite ones (Optax zero_nans, extended to ±Inf)", async () => {
    const grads = { 'a/kernel': tf.tensor1d([1, Number.NaN, Infinity, -Infinity, -2]), 'a/bias': tf.tensor1d([3, 4]) };
    const { grads: out, values, skip } = await transformOnce(nonFinite({ policy: 'zero' }), grads);
    expect(out['a/kernel']).toEqual([1, 0, 0, 0, -2]);
    expect(out['a/bias']).toEqual([3, 4]);
    expect(values['flags']).toEqual([1, 0]);
    expect(values['nonFinite']).toBe(1);
    expect(skip).toBe(false);
    tf.dispose(Object.values(grads));
  });

  it("'skip' hands the optimizer zeros and asks core to skip the update", async () => {
    const grads = { 'a/kernel': tf.tensor1d([1, Number.NaN]), 'a/bias': tf.tensor1d([3, 4]) };
    const { grads: out, skip, values } = await transformOnce(nonFinite(), grads);
    expect(out).toEqual({ 'a/kernel': [0, 0], 'a/bias': [0, 0] });
    expect(skip).toBe(true);
    expect(values['scale']).toBe(0);
    const clean = { 'a/kernel': tf.tensor1d([1, 2]), 'a/bias': tf.tensor1d([3, 4]) };
    const passed = await transformOnce(nonFinite(), clean);
    expect(passed.grads).toEqual({ 'a/kernel': [1, 2], 'a/bias': [3, 4] });
    expect(passed.skip).toBe(false);
    await expectClose([passed.values['scale'] as number], [1]);
    tf.dispose([...Object.values(grads), ...Object.values(clean)]);
  });
});

describe('nonFinite bad input', () => {
  it('names the option and the value', () => {
    expect(() => nonFinite({ policy: 'ignore' as 'skip' })).toThrow(/nonFinite: policy must be one of "skip", "zero", "throw", got "ignore"/);
    expect(() => nonFinite({ maxConsecutive: 0 })).toThrow(/nonFinite: maxConsecutive must be an integer ≥ 1, got 0/);
    expect(() => nonFinite({ maxConsecutive: Number.NaN })).toThrow(/maxConsecutive must be an integer ≥ 1, got NaN/);
    expect(() => nonFinite({ maxConsec: 3 } as object)).toThrow(/nonFinite: unknown option 'maxConsec'/);
  });
});
