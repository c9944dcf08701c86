import * as tf from '@tensorflow/tfjs';
import { buildMlp, describeBackends, readWeights, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES, optimizerByName, type OptimizerName } from './optimizer-by-name.js';
import { stabilize } from './stabilized-optimizer.js';
import { createTrainer } from './trainer.js';

const backends = await testBackends();

/** The optimizer `model.compile({ optimizer: name })` creates (tfjs-layers' getOptimizer), as class name + config. */
function compiledWith(name: string): { className: string; config: tf.serialization.ConfigDict } {
  const model = buildMlp({ inputSize: 2, depth: 1, width: 2, activation: 'linear', seed: 1 });
  model.compile({ optimizer: name, loss: 'meanSquaredError' });
  const result = { className: model.optimizer.getClassName(), config: model.optimizer.getConfig() };
  model.dispose(); // also disposes the optimizer compile created (it owns it)
  return result;
}

describe('optimizerByName', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(OPTIMIZER_NAMES)("creates what model.compile({ optimizer: '%s' }) creates: same class and config", (name) => {
    const optimizer = optimizerByName(name);
    expect({ className: optimizer.getClassName(), config: optimizer.getConfig() }).toEqual(compiledWith(name));
    optimizer.dispose();
  });

  it('knows exactly the names model.compile knows: the next names are rejected by both', () => {
    for (const name of ['momentum', 'ADAM', 'Rmsprop', 'adamw', '']) {
      expect(() => compiledWith(name)).toThrow(/Unknown Optimizer/);
      expect(() => optimizerByName(name as OptimizerName)).toThrow(
        new RegExp(`optimizerByName: name must be one of the optimizer names model.compile accepts \\('sgd', 'SGD', 'adam'.*'RMSProp'; for momentum use tf.train.momentum.*got "${name}"`),
      );
    }
    expect(() => optimizerByName(undefined as unknown as OptimizerName)).toThrow(/optimizerByName: name must be .*got undefined/);
    expect(() => optimizerByName(3 as unknown as OptimizerName)).toThrow(/optimizerByName: name must be .*got 3/);
  });

  it('stabilize and createTrainer reject an unknown name with the known ones listed', () => {
    expect(() => stabilize('adamw' as OptimizerName)).toThrow(/stabilize: optimizer must be a tf\.Optimizer .* or one of .*'adam', 'Adam'.*got "adamw"/);
    expect(() => createTrainer({ optimizer: 'nadam' as OptimizerName })).toThrow(/createTrainer: optimizer must be .*'rmsprop'.*got "nadam"/);
  });
});

describeBackends('stabilize(name)', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4, 7);
  });
  afterAll(() => tf.dispose([data.xs, data.ys]));

  it.each(['adam', 'rmsprop', 'sgd'] as const)(
    "compile({ optimizer: stabilize('%s') }) trains bit-identically to compile({ optimizer: '%s' })",
    async (name) => {
      const wrapped = buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 11 });
      const plain = buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed: 11 });
      const optimizer = stabilize(name, [], { model: wrapped });
      wrapped.compile({ optimizer, loss: 'meanSquaredError' });
      plain.compile({ optimizer: name, loss: 'meanSquaredError' });
      for (const model of [wrapped, plain]) {
        await model.fit(data.xs, data.ys, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
      }
      const [a, b] = [await readWeights(wrapped), await readWeights(plain)];
      expect(a.map((w) => Array.from(w))).toEqual(b.map((w) => Array.from(w)));
      expect(optimizer.optimizer.getClassName()).toBe(plain.optimizer.getClassName());
      optimizer.dispose();
      wrapped.dispose();
      plain.dispose();
    },
  );

  it("createTrainer({ optimizer: 'adam' }) steps with Adam's compile defaults", async () => {
    const model = buildMlp({ inputSize: 4, depth: 1, width: 4, activation: 'linear', seed: 2 });
    const trainer = createTrainer({ optimizer: 'adam', model });
    const { loss } = await trainer.step(() => tf.losses.meanSquaredError(data.ys, model.apply(data.xs) as tf.Tensor) as tf.Scalar);
    expect(Number.isFinite(loss)).toBe(true);
    expect(trainer.optimizer.optimizer.getConfig()).toEqual(compiledWith('adam').config);
    trainer.dispose();
    model.dispose();
  });
});
