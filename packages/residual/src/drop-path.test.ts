import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, expectNoLeak, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { DropPath, dropPath } from './drop-path.js';
import { residual } from './residual.js';
import { saveAndLoad, singleLayerModel } from './test-utils.js';

const backends = await testBackends();

describeBackends('dropPath', backends, () => {
  it('is the identity at inference (predict)', async () => {
    const model = singleLayerModel(dropPath(0.5), 3);
    const x = tf.tensor2d([[1, -2, 3], [4, 5, -6]]);
    await expectClose(model.predict(x) as tf.Tensor, x, { rtol: 0, atol: 0 });
    model.dispose();
    x.dispose();
  });

  it('in training drops whole samples with probability rate and rescales the rest by 1/(1 − rate)', async () => {
    // Stochastic depth (Huang et al. 2016), per-sample mask: y_i = x_i·b_i/(1 − rate), b_i ~ Bernoulli(1 − rate).
    const rate = 0.25;
    const samples = 4000;
    const layer = dropPath(rate);
    const x = tf.ones([samples, 4]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const values = await y.data();
    let dropped = 0;
    for (let i = 0; i < samples; i++) {
      const row = Array.from(values.slice(i * 4, i * 4 + 4));
      // Every feature of a sample shares the draw.
      expect(new Set(row).size).toBe(1);
      if (row[0] === 0) dropped++;
      else expect(row[0]).toBeCloseTo(1 / (1 - rate), 6);
    }
    // Binomial(4000, 0.25): standard deviation of the fraction ≈ 0.0068; allow 5σ.
    expect(Math.abs(dropped / samples - rate)).toBeLessThan(0.035);
    tf.dispose([x, y]);
  });

  it('rate 0 is the identity in training too', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = dropPath(0).apply(x, { training: true }) as tf.Tensor;
    await expectClose(y, x, { rtol: 0, atol: 0 });
    tf.dispose([x, y]);
  });

  it('trains under fit on a residual branch without leaking tensors', async () => {
    const input = tf.input({ shape: [6] });
    const output = residual(input, [tf.layers.dense({ units: 6, activation: 'tanh' })], { gate: dropPath(0.3) });
    const model = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([32, 6], 0, 1, 'float32', 3);
    const ys = tf.tanh(xs);
    const history = await model.fit(xs, ys, { epochs: 20, batchSize: 32, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    await expectNoLeak(() => model.trainOnBatch(xs, ys), { steps: 30 });
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('dropPath save, load and bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('round-trips its rate', async () => {
    const model = singleLayerModel(dropPath(0.2, { name: 'drop' }), 3);
    const loaded = await saveAndLoad(model);
    const layer = loaded.getLayer('drop');
    expect(layer).toBeInstanceOf(DropPath);
    expect((layer as DropPath).rate).toBe(0.2);
    model.dispose();
    loaded.dispose();
  });

  it('rejects a negative rate, a rate ≥ 1 and NaN, naming the value', () => {
    expect(() => dropPath(-0.1)).toThrow(/dropPath: rate must be in \[0, 1\), got -0.1/);
    expect(() => dropPath(1)).toThrow(/dropPath: rate must be in \[0, 1\), got 1/);
    expect(() => dropPath(Number.NaN)).toThrow(/dropPath: rate must be in \[0, 1\), got NaN/);
    expect(() => dropPath(0.1, { seed: 1 } as never)).toThrow(/dropPath: unknown option 'seed'/);
  });
});
