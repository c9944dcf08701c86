import * as tf from '@tensorflow/tfjs';
import { StabilizedOptimizer, createTrainer, stabilize, type StepReport } from '@gs/core';
import { buildMlp, countHostSyncs, describeBackends, expectClose, expectNoLeak, readWeights, regressionData, saveAndLoad, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay.js';
import { learningRateSchedule } from './learning-rate-schedule.js';
import { warmup } from './warmup.js';
import { OPTIMIZERS, keepReports } from './test-utils.js';

const backends = await testBackends();

describeBackends('learning-rate schedules', backends, (backend) => {
  const factors = [1, 0.5, 0, 2, 0.25, 1];

  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: each update is the bare optimizer's update times the factor (constant gradients, so the states agree)`, async () => {
      // loss = Σ w·c has the gradient c whatever w is: both optimizers see the same gradients, so
      // their moments agree and every tfjs update is −rate · D(state, g); only the rate differs.
      const gradient = tf.tensor1d([1, -2, 0.5, 3]);
      const scheduled = tf.variable(tf.zeros([4]), true, `schedule_${name}_${backend}/w`);
      const bare = tf.variable(tf.zeros([4]), true, `bare_${name}_${backend}/w`);
      const reports: StepReport[] = [];
      const schedule = learningRateSchedule((update) => factors[update]!);
      const optimizer = stabilize(make(0.1), [schedule, keepReports(reports)]);
      const reference = make(0.1);
      for (let step = 0; step < factors.length; step++) {
        const [before, bareBefore] = [await scheduled.data(), await bare.data()];
        optimizer.minimize(() => tf.sum(tf.mul(scheduled, gradient)) as tf.Scalar, false, [scheduled]);
        reference.minimize(() => tf.sum(tf.mul(bare, gradient)) as tf.Scalar, false, [bare]);
        const [after, bareAfter] = [await scheduled.data(), await bare.data()];
        const change = Array.from(after, (value, i) => value - before[i]!);
        const expected = Array.from(bareAfter, (value, i) => factors[step]! * (value - bareBefore[i]!));
        await expectClose(change, expected, { rtol: 1e-4, atol: 1e-7 });
        expect(schedule.learningRate).toBeCloseTo(0.1 * factors[step]!, 12);
      }
      await optimizer.flush();
      expect(reports.map((report) => report.values['learningRateSchedule/learningRate'])).toEqual(
        factors.map((factor) => Math.fround(0.1 * factor)),
      );
      // The schedule never touched the config: it still says 0.1.
      expect(optimizer.getConfig()['optimizer']).toMatchObject({ config: { learningRate: 0.1 } });
      optimizer.dispose();
      reference.dispose();
      tf.dispose([gradient, scheduled, bare]);
    });
  }

  it('adds no host sync to a step and keeps memory flat (SGD rebuilds its cached rate scalar)', async () => {
    const w = tf.variable(tf.randomNormal([8, 8], 0, 1, 'float32', 2), true, `schedule_sync_${backend}/kernel`);
    const optimizer = stabilize(tf.train.sgd(0.1), [cosineDecay({ decaySteps: 50 }), keepReports([])]);
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    optimizer.minimize(loss, false, [w]);
    expect(countHostSyncs(() => optimizer.minimize(loss, false, [w]))).toBe(0);
    await expectNoLeak(() => {
      optimizer.minimize(loss, false, [w]);
      return optimizer.flush();
    }, { steps: 60 });
    optimizer.dispose();
    w.dispose();
  });

  it('works in createTrainer and reports the rate', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, `schedule_trainer_${backend}/w`);
    // Core records values only when some plugin listens (onReport): keepReports does.
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.2), plugins: [warmup({ steps: 2 }), keepReports([])] });
    const rates: unknown[] = [];
    for (let step = 0; step < 3; step++) rates.push((await trainer.step(() => tf.sum(tf.square(w)) as tf.Scalar, [w])).values['warmup/learningRate']);
    expect(rates.map(Number)).toEqual([0, Math.fround(0.1), Math.fround(0.2)]);
    // Rates 0, 0.1, 0.2 on f = Σw²: w ← w·(1 − 2·rate) → ×1, ×0.8, ×0.6.
    await expectClose(w, [0.48, 0.96], { rtol: 1e-6 });
    trainer.dispose();
    w.dispose();
  });
});

describe('learning-rate schedules: saving, ownership, errors', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(48, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = () => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 9 });
  const schedule = () => cosineDecay({ decaySteps: 8, warmupSteps: 3, startFactor: 0.1 });
  const fitOnce = (m: tf.LayersModel) => m.fit(data.xs, data.ys, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });

  it('survives model.save/load with the optimizer: the base rate is saved and the schedule continues from the restored iterations', async () => {
    const straight = model();
    straight.compile({ optimizer: stabilize(tf.train.adam(0.02), [schedule()], { model: straight }), loss: 'meanSquaredError' });
    const interrupted = model();
    interrupted.compile({ optimizer: stabilize(tf.train.adam(0.02), [schedule()], { model: interrupted }), loss: 'meanSquaredError' });
    await fitOnce(straight); // 3 updates (48 rows, batches of 16)
    await fitOnce(interrupted);
    const loaded = await saveAndLoad(interrupted, { includeOptimizer: true });
    const restored = loaded.optimizer as StabilizedOptimizer;
    expect(restored).toBeInstanceOf(StabilizedOptimizer);
    // Saved at update 3 (scheduled rate 0.02 at the warmup's end): the config still holds the base rate.
    expect(restored.getConfig()['optimizer']).toMatchObject({ className: 'Adam', config: { learningRate: 0.02 } });
    expect(restored.iterations).toBe(3);
    restored.setPlugins([schedule()]);
    for (let epoch = 0; epoch < 2; epoch++) {
      await fitOnce(straight);
      await fitOnce(loaded);
    }
    const [a, b] = [await readWeights(straight), await readWeights(loaded)];
    for (let i = 0; i < a.length; i++) await expectClose(b[i]!, a[i]!, { rtol: 1e-5, atol: 1e-6 });
    straight.optimizer.dispose();
    interrupted.optimizer.dispose();
    restored.dispose();
    for (const m of [straight, interrupted, loaded]) m.dispose();
  });

  it('dispose gives the optimizer its own rate and getConfig back', () => {
    const sgd = tf.train.sgd(0.3);
    const plugin = warmup({ steps: 10 });
    const optimizer = stabilize(sgd, [plugin]);
    const w = tf.variable(tf.tensor1d([1]), true, 'schedule_dispose/w');
    optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    expect((sgd as unknown as { learningRate: number }).learningRate).toBeCloseTo(0.03, 12);
    expect(sgd.getConfig()).toEqual({ learningRate: 0.3 });
    plugin.dispose!();
    expect((sgd as unknown as { learningRate: number }).learningRate).toBe(0.3);
    expect(Object.prototype.hasOwnProperty.call(sgd, 'getConfig')).toBe(false);
    optimizer.dispose();
    w.dispose();
  });

  it('two schedules on one optimizer are an error naming both', () => {
    const w = tf.variable(tf.tensor1d([1]), true, 'schedule_two/w');
    const optimizer = stabilize(tf.train.adam(0.1), [warmup({ steps: 5 }), cosineDecay({ decaySteps: 10 })]);
    expect(() => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w])).toThrow(
      /warmup: another learning-rate schedule \(cosineDecay\) also sets the rate of this optimizer; use one schedule per optimizer/,
    );
    optimizer.dispose();
    w.dispose();
  });

  it('an optimizer without a numeric learningRate is an error naming its class', () => {
    class NoRate extends tf.Optimizer {
      static className = 'NoRate';
      applyGradients(): void {}
      getConfig() {
        return {};
      }
    }
    const w = tf.variable(tf.tensor1d([1]), true, 'schedule_norate/w');
    const optimizer = stabilize(new NoRate(), [warmup({ steps: 5 })]);
    expect(() => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w])).toThrow(
      /warmup: the wrapped optimizer \(NoRate\) has no numeric learningRate to schedule/,
    );
    w.dispose();
  });

  it('a custom factor that is not a finite number ≥ 0 fails the step with a clear error', () => {
    const w = tf.variable(tf.tensor1d([1]), true, 'schedule_badfactor/w');
    const optimizer = stabilize(tf.train.sgd(0.1), [learningRateSchedule(() => Number.NaN, { name: 'mine' })]);
    expect(() => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w])).toThrow(
      /mine: the factor at update 0 must be a finite number ≥ 0, got NaN/,
    );
    optimizer.dispose();
    w.dispose();
  });

  it('bad input names the option and the value', () => {
    expect(() => learningRateSchedule(undefined as never)).toThrow(/learningRateSchedule: factorOf must be a function, got undefined/);
    expect(() => learningRateSchedule(() => 1, { name: '' })).toThrow(/learningRateSchedule: name must be a non-empty string, got ""/);
    expect(() => learningRateSchedule(() => 1, { nmae: 'x' } as never)).toThrow(/unknown option 'nmae' \(did you mean 'name'\?\)/);
  });
});
