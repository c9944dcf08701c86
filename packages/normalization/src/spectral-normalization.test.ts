import * as tf from '@tensorflow/tfjs';
import { countHostSyncs, describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { SpectralNormalization, spectralNormalization } from './spectral-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64). σ is the largest singular value
// (np.linalg.svd(k)[1][0]); at convergence PyTorch's
//   torch.nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3))  (weight = k.T)
// computes y = x @ (k / σ), and its gradient (u, v held constant) equals the derivative of
// x @ (k / s_max(k)), which is what the central differences in goldens.py compute.
// Source: Miyato et al. 2018, Algorithm 1.
const K = [1.7884354, 1.9831891, 1.5985754, 1.3644451, 1.3387754, 0.88057, -0.33776455, -1.6916731, -2.2518676, -1.8727408, -1.2680102, -0.99464788];
const X = [0.79887626, 2.3337645, 1.9385675, -0.066705864, -1.7851216, -1.634652, 0.079661159, 1.4908843];
const R = [1.4588511, 2.1163694, 1.7860505, 0.79663579, -0.31232253, -1.1243216];
const SIGMA = 5.0819851;
const Y = [0.80346073, 0.29788957, -0.19026848, -1.6217903, -1.5257586, -1.1718587];
const DK = [-0.17506944, 0.29448628, 0.54026718, 0.3308486, 0.97397501, 1.0917694, 0.67053262, 0.92299553, 0.77409013, 0.30901722, -0.0072439502, -0.25058494];
// Singular vectors for σ: v = U[:, 0] (fan-in side), u = Vt[0] (units side).
const V_LEFT = [-0.61062184, -0.40610855, 0.49780998, 0.46303568];
const U_RIGHT = [-0.52764004, -0.62651352, -0.57365215];

describeBackends('spectralNormalization', backends, () => {
  it('with u, v at the top singular vectors: y = x·K/σ_max and gradients match', async () => {
    const [x, r] = [tf.tensor2d(X, [2, 4]), tf.tensor2d(R, [2, 3])];
    const weights = [tf.tensor2d(K, [4, 3]), tf.zeros([3]), tf.tensor1d(U_RIGHT), tf.tensor1d(V_LEFT)];
    const result = await layerOutputAndGradients(() => spectralNormalization(tf.layers.dense({ units: 3 })), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dWeights: [DK] }, { rtol: 2e-4, atol: 2e-5 });
    await expectClose((result.layer as SpectralNormalization).sigma(), [SIGMA], { rtol: 1e-5 });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('σ converges to the largest singular value; u, v advance only when training, without host syncs', async () => {
    const x = tf.tensor2d(X, [2, 4]);
    const layer = spectralNormalization(tf.layers.dense({ units: 3 }), { seed: 3 });
    layer.build(x.shape);
    // Start u, v far from the answer (the build already ran 15 power iterations).
    layer.setWeights([tf.tensor2d(K, [4, 3]), tf.zeros([3]), tf.tensor1d([1, -1, 0.5]), tf.tensor1d([0, 1, 0, 0])]);
    const state = async () => Promise.all(layer.getWeights().slice(2).map(async (w) => Array.from(await w.data())));
    const before = await state();
    tf.dispose(layer.apply(x, { training: false }) as tf.Tensor);
    tf.dispose(layer.apply(x) as tf.Tensor);
    expect(await state()).toEqual(before);
    const syncs = countHostSyncs(() => tf.dispose(layer.apply(x, { training: true }) as tf.Tensor));
    expect(syncs).toBe(0);
    expect(await state()).not.toEqual(before);
    for (let i = 0; i < 30; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    await expectClose(layer.sigma(), [SIGMA], { rtol: 1e-4 });
    const y = layer.apply(x) as tf.Tensor;
    await expectClose(y, Y, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, y]);
    disposeLayerWeights(layer);
  });

  it('conv2d: after building, σ is the top singular value of the kernel reshaped to [kh·kw·in, filters]', async () => {
    const conv = tf.layers.conv2d({ filters: 5, kernelSize: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) });
    const layer = spectralNormalization(conv, { powerIterations: 3 });
    layer.build([null, 6, 6, 3]);
    const x = tf.randomNormal([1, 6, 6, 3], 0, 1, 'float32', 4);
    for (let i = 0; i < 20; i++) tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    // The largest singular value, independently: sqrt of the top eigenvalue of KᵀK by many power steps.
    const kernel = layer.getWeights()[0]!.reshape([12, 5]);
    const gram = tf.matMul(kernel, kernel, true, false);
    let vector = tf.ones([5, 1]);
    for (let i = 0; i < 200; i++) {
      const next = tf.matMul(gram, vector);
      vector.dispose();
      vector = tf.div(next, tf.norm(next));
      next.dispose();
    }
    const top = tf.sqrt(tf.norm(tf.matMul(gram, vector)));
    await expectClose(layer.sigma(), top, { rtol: 1e-4 });
    tf.dispose([x, kernel, gram, vector, top]);
    disposeLayerWeights(layer);
  });
});

describe('spectralNormalization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the option and value', () => {
    expect(() => spectralNormalization(tf.layers.dense({ units: 2 }), { powerIterations: 0 })).toThrow(
      /spectralNormalization: powerIterations must be an integer ≥ 1, got 0/,
    );
    expect(() => spectralNormalization(tf.layers.dense({ units: 2 }), { eps: -1 })).toThrow(/spectralNormalization: eps must be a finite number > 0, got -1/);
    expect(() => spectralNormalization(tf.layers.batchNormalization({ name: 'bn' }))).toThrow(
      /spectralNormalization: layer must be a layer with a kernel.*got BatchNormalization 'bn'/,
    );
    expect(() => spectralNormalization(tf.layers.conv1d({ filters: 2, kernelSize: 2, padding: 'causal' }))).toThrow(/without causal padding/);
  });
});
