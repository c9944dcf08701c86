import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, expectNoLeak, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixupInit } from './fixup-init.js';
import { residualMlp } from './residual-mlp.js';

const backends = await testBackends();

async function weightsOf(layer: tf.layers.Layer): Promise<Float32Array[]> {
  return Promise.all(layer.getWeights().map(async (w) => (await w.data()) as Float32Array));
}

async function expectAllZero(layer: tf.layers.Layer): Promise<void> {
  for (const w of await weightsOf(layer)) expect(w.every((v) => v === 0), layer.name).toBe(true);
}

describeBackends('fixupInit', backends, () => {
  it('zeroes the last layer of each branch and the classifier, scales the others by L^(−1/(2m−2))', async () => {
    // Zhang et al. 2019, rules 1–2. L = 4 blocks, m = 2 → factor 4^(−1/2) = 0.5.
    const model = residualMlp({ inputShape: [6], depth: 4, width: 8, outputUnits: 3, seed: 2 });
    const before = new Map<string, Float32Array[]>();
    for (const layer of model.layers) before.set(layer.name, await weightsOf(layer));
    const result = fixupInit(model);
    expect(result.factor).toBe(0.5);
    expect(result.scaled).toEqual(['block0_branch0', 'block1_branch0', 'block2_branch0', 'block3_branch0']);
    expect(result.zeroed).toEqual(['block0_branch1', 'block1_branch1', 'block2_branch1', 'block3_branch1', 'head']);
    for (let i = 0; i < 4; i++) {
      const [kernel, bias] = await weightsOf(model.getLayer(`block${i}_branch0`));
      const [kernelBefore, biasBefore] = before.get(`block${i}_branch0`)!;
      await expectClose(kernel!, Array.from(kernelBefore!, (v) => v * 0.5), { rtol: 1e-7, atol: 0 });
      expect(Array.from(bias!)).toEqual(Array.from(biasBefore!)); // only kernels are scaled
      await expectAllZero(model.getLayer(`block${i}_branch1`));
    }
    await expectAllZero(model.getLayer('head'));
    expect(Array.from((await weightsOf(model.getLayer('stem')))[0]!)).toEqual(Array.from(before.get('stem')![0]!));
    model.dispose();
  });

  it('on explicit blocks uses the given L and m: 16 blocks of 3 layers → factor 16^(−1/4) = 0.5', async () => {
    const input = tf.input({ shape: [4] });
    const layers = [0, 1, 2].map(() => tf.layers.dense({ units: 4, kernelInitializer: 'ones' }));
    let x = input;
    for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const result = fixupInit([layers], { numBlocks: 16 });
    expect(result).toMatchObject({ factor: 0.5, numBlocks: 16, branchLayers: 3 });
    for (const layer of layers.slice(0, 2)) await expectClose(layer.getWeights()[0]!, new Array(16).fill(0.5), { rtol: 0, atol: 0 });
    await expectAllZero(layers[2]!);
    model.dispose();
  });

  it('residualMlp({fixup: true}) builds scalar biases and a multiplier, starts as the identity and trains', async () => {
    const model = residualMlp({ inputShape: [6], depth: 3, width: 8, fixup: true, seed: 1 });
    const classes = model.layers.map((layer) => layer.getClassName());
    // Per block: 2 biases per weight layer (before activation, before Dense) + 1 after the multiplier.
    expect(classes.filter((c) => c === 'ScalarBias')).toHaveLength(3 * 5);
    expect(classes.filter((c) => c === 'ResidualScale')).toHaveLength(3);
    expect(model.getLayer('block0_branch0').getWeights()).toHaveLength(1); // bias-free, replaced by scalar biases
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 1);
    await expectClose(model.predict(x) as tf.Tensor, new Array(4).fill(0), { rtol: 0, atol: 0 }); // zero classifier
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const y = tf.sum(x, 1, true);
    const history = await model.fit(x, y, { epochs: 10, batchSize: 4, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.5 * losses[0]!);
    await expectNoLeak(() => model.trainOnBatch(x, y), { steps: 10 });
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('fixupInit bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the problem', () => {
    const plain = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => fixupInit(plain)).toThrow(/fixupInit: model '.*' has no residual branch layers named block<i>_branch<j>/);
    const oneLayer = residualMlp({ inputShape: [3], depth: 2, width: 4, branchLayers: 1 });
    expect(() => fixupInit(oneLayer)).toThrow(/fixupInit: branchLayers must be an integer ≥ 2 \(Fixup scales by L\^\(−1\/\(2m−2\)\), undefined for m = 1\), got 1/);
    const dense = () => {
      const layer = tf.layers.dense({ units: 3 });
      layer.apply(tf.input({ shape: [3] }));
      return layer;
    };
    expect(() => fixupInit([[dense(), dense()], [dense()]])).toThrow(/blocks have different numbers of weight layers \(2, 1\); pass branchLayers/);
    expect(() => fixupInit([[dense(), tf.layers.activation({ activation: 'relu' })]])).toThrow(/fixupInit: blocks\[0\]\[1\] must be a built layer with a kernel/);
    expect(() => fixupInit([])).toThrow(/fixupInit: target must be a tf\.LayersModel or a non-empty array of blocks/);
    expect(() => fixupInit([[dense(), dense()]], { numBlocks: 0 })).toThrow(/fixupInit: numBlocks must be an integer ≥ 1, got 0/);
    expect(() => residualMlp({ inputShape: [3], depth: 2, width: 4, fixup: true, norm: 'batchNormalization' })).toThrow(
      /residualMlp: norm must be undefined when fixup is true/,
    );
  });
});
