import * as tf from '@tensorflow/tfjs';
import { buildMlp, describeBackends, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { signalPropagation } from './signal-propagation.js';

const backends = await testBackends();

describeBackends('signalPropagation', backends, () => {
  it('matches forward variances computed by hand on a 2-layer linear chain; backward is r·W2ᵀ', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 2, inputShape: [2], weights: [tf.tensor2d([[1, 0], [0, 2]]), tf.tensor1d([0, 1])] }),
        tf.layers.dense({ units: 1, weights: [tf.tensor2d([[1], [1]]), tf.tensor1d([0])] }),
      ],
    });
    const batch = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const signal = await signalPropagation(model, batch, { seed: 3 });
    // By hand (numpy-style, population variance):
    //   x = [[1,2],[3,4],[5,6]]                 → var(1..6) = 35/12
    //   h1 = x @ [[1,0],[0,2]] + [0,1] = [[1,5],[3,9],[5,13]] → mean 6, var 94/6
    //   h2 = h1 @ [[1],[1]] = [6,12,18]          → var 24
    //   ∂L/∂h2 = r, ∂L/∂h1 = r @ [[1,1]] = [r_i, r_i] → both have var(r)
    await expectClose([signal.inputVariance, signal.layers[0]!.forwardVariance, signal.layers[1]!.forwardVariance], [35 / 12, 94 / 6, 24], { rtol: 1e-5 });
    expect(signal.layers[0]!.backwardVariance).toBeGreaterThan(0);
    await expectClose([signal.layers[0]!.backwardVariance], [signal.layers[1]!.backwardVariance], { rtol: 1e-5 });
    expect(signal.layers.map((layer) => layer.layerClass)).toEqual(['Dense', 'Dense']);
    expect(signal.text).toContain(model.layers[0]!.name);
    tf.dispose(batch);
    model.dispose();
  });

  it('shows backward variance collapsing through 20 sigmoid layers but not through ReLU + He', async () => {
    const batch = tf.randomNormal([64, 16], 0, 1, 'float32', 5);
    const ratio = async (model: tf.LayersModel) => {
      const { layers } = await signalPropagation(model, batch);
      model.dispose();
      return layers[0]!.backwardVariance / layers[layers.length - 1]!.backwardVariance;
    };
    const before = tf.memory().numTensors;
    const sigmoid = await ratio(buildMlp({ inputSize: 16, depth: 20, width: 32, activation: 'sigmoid' }));
    const relu = await ratio(
      buildMlp({ inputSize: 16, depth: 20, width: 32, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }),
    );
    expect(sigmoid).toBeLessThan(1e-12); // ≈ (1/4)² per layer → ~1e-24 over 20 layers
    expect(relu).toBeGreaterThan(1e-2);
    expect(relu).toBeLessThan(1e2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(batch);
  });
});

it('rejects a batch of the wrong shape and branched models', async () => {
  const model = buildMlp({ inputSize: 4, depth: 1, width: 4 });
  const wrong = tf.zeros([2, 5]);
  await expect(signalPropagation(model, wrong)).rejects.toThrow(
    /signalPropagation: batch must be a tf.Tensor of shape \[batch, 4\] \(the model's input\), got a float32 tensor of shape \[2,5\]/,
  );
  const input = tf.input({ shape: [4] });
  const a = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const branched = tf.model({ inputs: input, outputs: tf.layers.add().apply([a, b]) as tf.SymbolicTensor });
  await expect(signalPropagation(branched, tf.zeros([2, 4]))).rejects.toThrow(/model must be a chain of layers/);
  tf.dispose(wrong);
  model.dispose();
});
