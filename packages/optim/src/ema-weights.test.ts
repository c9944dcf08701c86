import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { createTrainer, stabilize } from '@gs/core';
import { buildMlp, describeBackends, expectClose, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emaWeights } from './ema-weights.js';

const backends = await testBackends();

describeBackends('emaWeights', backends, (backend) => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));
  const model = () => buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 31 });

  it("matches Keras 3's use_ema in fit: average = w after the first update, then decay·average + (1 − decay)·w", async () => {
    // Reference (keras/src/optimizers/base_optimizer.py, _update_model_variables_moving_average):
    //   not_first_step = iterations != 0; momentum = not_first_step * ema_momentum
    //   average.assign(momentum * average + (1 - momentum) * var)
    // computed here by hand from the weights of a twin model trained by a bare Adam.
    const decay = 0.8;
    const averaged = model();
    const ema = emaWeights({ decay });
    const optimizer = stabilize(tf.train.adam(0.05), [ema], { model: averaged });
    averaged.compile({ optimizer, loss: 'meanSquaredError' });
    const twin = model();
    const bare = tf.train.adam(0.05);
    twin.compile({ optimizer: bare, loss: 'meanSquaredError' });
    let byHand: Float32Array[] | undefined;
    for (let step = 0; step < 5; step++) {
      await averaged.fit(data.xs, data.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      await twin.fit(data.xs, data.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
      const weights = await readWeights(twin);
      const momentum = step === 0 ? 0 : decay;
      byHand = weights.map((w, i) => w.map((value, j) => momentum * (byHand?.[i]![j] ?? 0) + (1 - momentum) * value));
    }
    const trained = await readWeights(averaged);
    for (let i = 0; i < trained.length; i++) await expectClose(trained[i]!, (await readWeights(twin))[i]!, { rtol: 1e-5, atol: 1e-6 });
    const average = await ema.withAverage(() => readWeights(averaged));
    for (let i = 0; i < average.length; i++) await expectClose(average[i]!, byHand![i]!, { rtol: 1e-5, atol: 1e-6 });
    // Swapped back, bit for bit.
    const back = await readWeights(averaged);
    back.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(trained[i]!)));
    expect(ema.updates).toBe(5);
    optimizer.dispose();
    bare.dispose();
    averaged.dispose();
    twin.dispose();
  });

  it('swaps the average in for evaluation and back; training while it is in is an error', async () => {
    const m = model();
    const ema = emaWeights({ decay: 0.5 });
    const optimizer = stabilize(tf.train.sgd(0.1), [ema], { model: m });
    m.compile({ optimizer, loss: 'meanSquaredError' });
    expect(() => ema.useAverage()).toThrow(/emaWeights.useAverage: there is no average yet/);
    await m.fit(data.xs, data.ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
    const trainedLoss = (m.evaluate(data.xs, data.ys) as tf.Scalar);
    const averageLoss = await ema.withAverage(async () => {
      expect(ema.usingAverage).toBe(true);
      return m.evaluate(data.xs, data.ys) as tf.Scalar;
    });
    expect(ema.usingAverage).toBe(false);
    // Different weights, so a different loss; both finite.
    const [trainedValue, averageValue] = [(await trainedLoss.data())[0]!, (await averageLoss.data())[0]!];
    expect(Number.isFinite(averageValue) && averageValue !== trainedValue).toBe(true);
    ema.useAverage();
    await expect(m.fit(data.xs, data.ys, { epochs: 1, batchSize: 16, verbose: 0 })).rejects.toThrow(
      /emaWeights: a training step ran while the averaged weights were in the model; call useTrainedWeights\(\) before training/,
    );
    ema.useTrainedWeights();
    await m.fit(data.xs, data.ys, { epochs: 1, batchSize: 16, verbose: 0 });
    // withAverage swaps back when its function throws.
    expect(() => ema.withAverage(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(ema.usingAverage).toBe(false);
    tf.dispose([trainedLoss, averageLoss]);
    optimizer.dispose();
    m.dispose();
  });

  it(`runs in createTrainer [${backend}]`, async () => {
    const w = tf.variable(tf.tensor1d([4]), true, `ema_trainer_${backend}/w`);
    const ema = emaWeights({ decay: 0.5 });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.25), plugins: [ema] });
    // f = w², so w ← w − 0.25·2w = w/2: 2, 1, 0.5. Average: 2, then 0.5·2 + 0.5·1 = 1.5, then 0.5·1.5 + 0.5·0.5 = 1.
    for (let step = 0; step < 3; step++) await trainer.step(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
    await expectClose(await ema.withAverage(() => w.data()), [1]);
    await expectClose(w, [0.5]);
    trainer.dispose();
    w.dispose();
  });
});

describe('emaWeights invariants (fast-check)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('the average is a convex combination of the weights so far: within their range, equal to them when they are constant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (gradients, decay) => {
          // SGD(1) on Σ w·c moves w by −c exactly: w_t = −(c_1 + … + c_t).
          const w = tf.variable(tf.zeros([1]), true);
          const ema = emaWeights({ decay });
          const optimizer = stabilize(tf.train.sgd(1), [ema]);
          const history: number[] = [];
          for (const c of gradients) {
            optimizer.minimize(() => tf.mul(tf.sum(w), c) as tf.Scalar, false, [w]);
            history.push((await w.data())[0]!);
          }
          const [average] = await ema.withAverage(() => w.data());
          expect(average!).toBeGreaterThanOrEqual(Math.min(...history) - 1e-4);
          expect(average!).toBeLessThanOrEqual(Math.max(...history) + 1e-4);
          optimizer.dispose();
          w.dispose();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => emaWeights({ decay: 1 })).toThrow(/emaWeights: decay must be in \[0, 1\), got 1/);
    expect(() => emaWeights({ decay: Number.NaN })).toThrow(/emaWeights: decay must be in \[0, 1\), got NaN/);
    expect(() => emaWeights({ momentum: 0.9 } as never)).toThrow(/emaWeights: unknown option 'momentum'/);
    expect(() => emaWeights(7 as never)).toThrow(/emaWeights: options must be/);
    const ema = emaWeights();
    expect(() => ema.withAverage(undefined as never)).toThrow(/emaWeights.withAverage: fn must be a function, got undefined/);
  });
});
