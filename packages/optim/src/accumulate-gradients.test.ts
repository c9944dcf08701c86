import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { createTrainer, stabilize, type StepReport } from '@gs/core';
import { buildMlp, describeBackends, expectClose, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate-gradients.js';
import { warmup } from './warmup.js';
import { keepReports } from './test-utils.js';

const backends = await testBackends();

describeBackends('accumulateGradients', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = () => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 21 });

  const makers: Array<[string, () => tf.Optimizer]> = [
    ['adam', () => tf.train.adam(0.01)],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
    ['rmsprop', () => tf.train.rmsprop(0.01)],
  ];
  for (const [name, make] of makers) {
    it(`${name}: 4 micro-batches of 8 give exactly the update of one batch of 32 (fit), update after update`, async () => {
      const accumulated = model();
      const accumulator = accumulateGradients({ steps: 4 });
      const optimizer = stabilize(make(), [accumulator], { model: accumulated });
      accumulated.compile({ optimizer, loss: 'meanSquaredError' });
      const bigBatch = model();
      const bare = make();
      bigBatch.compile({ optimizer: bare, loss: 'meanSquaredError' });
      for (let update = 0; update < 3; update++) {
        await accumulated.fit(data.xs, data.ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
        await bigBatch.fit(data.xs, data.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
        const [a, b] = [await readWeights(accumulated), await readWeights(bigBatch)];
        for (let i = 0; i < a.length; i++) await expectClose(a[i]!, b[i]!, { rtol: 1e-4, atol: 1e-6 });
        // The wrapped optimizer's state advanced once per big batch, as the bare one's did.
        expect(optimizer.optimizer.iterations).toBe(update + 1);
        expect(accumulator.pending).toBe(0);
      }
      optimizer.dispose();
      bare.dispose();
      accumulated.dispose();
      bigBatch.dispose();
    });
  }

  it('holds the weights still between updates and reports which step updates', async () => {
    const m = model();
    const reports: StepReport[] = [];
    const optimizer = stabilize(tf.train.sgd(0.1), [accumulateGradients({ steps: 3 }), keepReports(reports)], { model: m });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    const history: Float32Array[][] = [await readWeights(m)];
    for (let step = 0; step < 6; step++) {
      await m.fit(data.xs.slice(step * 4, 4), data.ys.slice(step * 4, 4), { epochs: 1, batchSize: 4, verbose: 0 });
      history.push(await readWeights(m));
    }
    await optimizer.flush();
    const moved = history.slice(1).map((weights, step) => weights.some((w, i) => w.some((value, j) => value !== history[step]![i]![j])));
    expect(moved).toEqual([false, false, true, false, false, true]);
    expect(reports.map((report) => report.values['accumulateGradients/update'])).toEqual([0, 0, 1, 0, 0, 1]);
    optimizer.dispose();
    m.dispose();
  });

  it('sums instead of averaging with average: false (= the mean with a k-times rate under SGD)', async () => {
    const summed = tf.variable(tf.tensor1d([1, -1]), true, 'accumulate_sum/w');
    const byHand = tf.variable(tf.tensor1d([1, -1]), true, 'accumulate_sum_hand/w');
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [accumulateGradients({ steps: 2, average: false })] });
    const targets = [tf.tensor1d([3, 0]), tf.tensor1d([0, 5])];
    for (const target of targets) await trainer.step(() => tf.sum(tf.square(tf.sub(summed, target))) as tf.Scalar, [summed]);
    // By hand: g_i = 2(w − target_i); w ← w − 0.1·(g_1 + g_2).
    tf.tidy(() => byHand.assign(tf.sub(byHand, tf.mul(0.1, tf.addN(targets.map((t) => tf.mul(2, tf.sub(byHand, t))))))));
    await expectClose(summed, byHand, { rtol: 1e-6 });
    trainer.dispose();
    tf.dispose([summed, byHand, ...targets]);
  });

  it('schedules count updates, not micro-batches, in either order', async () => {
    for (const order of ['schedule first', 'accumulation first']) {
      const w = tf.variable(tf.tensor1d([1]), true, `accumulate_schedule_${order}/w`);
      const schedule = warmup({ steps: 2 });
      const accumulator = accumulateGradients({ steps: 3 });
      const optimizer = stabilize(tf.train.sgd(0.1), order === 'schedule first' ? [schedule, accumulator] : [accumulator, schedule]);
      const rates: Array<number | undefined> = [];
      for (let step = 0; step < 9; step++) {
        optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
        rates.push(schedule.learningRate);
      }
      // Updates 0, 1, 2 happen at micro-steps 2, 5, 8 with rates 0, 0.05, 0.1.
      expect([rates[2], rates[5], rates[8]].map((rate) => Number(rate!.toFixed(10)))).toEqual([0, 0.05, 0.1]);
      optimizer.dispose();
      w.dispose();
    }
  });
});

describe('accumulateGradients invariants (fast-check)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('after k micro-steps with gradients c₁…c_k, plain SGD(1) moved the weights by −mean(c)', async () => {
    // loss_i = Σ w·c_i has the gradient c_i whatever w is.
    const vector = fc.array(fc.float({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }), { minLength: 3, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(vector, { minLength: 1, maxLength: 6 }), async (gradients) => {
        const w = tf.variable(tf.zeros([3]), true);
        const optimizer = stabilize(tf.train.sgd(1), [accumulateGradients({ steps: gradients.length })]);
        for (const c of gradients) {
          const constant = tf.tensor1d(c);
          optimizer.minimize(() => tf.sum(tf.mul(w, constant)) as tf.Scalar, false, [w]);
          constant.dispose();
        }
        const mean = [0, 1, 2].map((j) => -gradients.reduce((sum, c) => sum + c[j]!, 0) / gradients.length);
        await expectClose(w, mean, { rtol: 1e-5, atol: 1e-4 });
        optimizer.dispose();
        w.dispose();
      }),
      { numRuns: 30 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => accumulateGradients(undefined as never)).toThrow(/accumulateGradients: steps must be an integer ≥ 1, got undefined/);
    expect(() => accumulateGradients({ steps: 0 })).toThrow(/steps must be an integer ≥ 1, got 0/);
    expect(() => accumulateGradients({ steps: 2, average: 'yes' as never })).toThrow(/accumulateGradients: average must be true or false, got "yes"/);
    expect(() => accumulateGradients({ steps: 2, every: 3 } as never)).toThrow(/accumulateGradients: unknown option 'every'/);
  });
});
