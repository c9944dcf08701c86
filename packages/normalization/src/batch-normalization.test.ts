import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormalization } from './batch-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64, gradients by central differences), Ioffe &
// Szegedy 2015 Alg. 1 with the Keras moving-average convention. In PyTorch terms (biased variance
// in the running average, which PyTorch itself does not do — it uses the unbiased one):
//   y = F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-3); (y * r).sum().backward()
//   moving_mean = 0.9 * 0 + 0.1 * x.mean(0); moving_var = 0.9 * 1 + 0.1 * x.var(0, unbiased=False)
//   y_inference = (x - moving_mean) / torch.sqrt(moving_var + 1e-3) * gamma + beta
const X = [1.4588511, 2.411815, 1.0359386, -1.3373168, -2.3336021, -1.0538272, 1.0095589, 1.6363307, 0.29265834, -1.3383065, -1.2708192, 0.54236239];
const R = [0.69966683, 0.96764016, 1.3869309, 2.4165036, 1.8520487, 0.53241667, 0.27990676, -0.5136663, -2.0734227, -2.0762865, -1.3572771, -1.4932666];
const GAMMA = [1.2, 0.7, -0.4];
const BETA = [0.05, -0.1, 0.2];
const Y_TRAIN = [1.4485732, 0.71793431, -0.2294114, -1.1401364, -0.96899976, 0.84960411, 1.0326157, 0.44225972, 0.15436889, -1.1410526, -0.59119427, 0.025438401];
const DX = [0.15108526, 0.32343005, -0.96533805, 2.0944534, 0.50631844, -0.43221845, -0.18066445, -0.22464574, 0.85404603, -2.0648742, -0.60510275, 0.54351047];
const DGAMMA = [0.70881148, -0.61402512, -0.26393926];
const DBETA = [1.3197906, 0.94874546, -1.6473418];
const MOVING_MEAN = [-0.0051803345, 0.011093111, 0.020428303];
const MOVING_VAR = [1.067905, 1.2876472, 0.95991501];
const Y_INFERENCE = [1.7492688, 1.3803789, -0.21438292, -1.4961813, -1.5458306, 0.63835414, 1.2277853, 0.90218497, 0.08891548, -1.49733, -0.8904772, -0.012977225];

describeBackends('batchNormalization goldens', backends, () => {
  it('training: batch statistics, gradients, and the moving averages after one step; then inference', async () => {
    const [x, r] = [tf.tensor2d(X, [4, 3]), tf.tensor2d(R, [4, 3])];
    const weights = [tf.tensor1d(GAMMA), tf.tensor1d(BETA), tf.zeros([3]), tf.ones([3])];
    const result = await layerOutputAndGradients(() => batchNormalization({ momentum: 0.9 }), x, r, { training: true, weights });
    await expectLayerGoldens(result, { y: Y_TRAIN, dx: DX, dWeights: [DGAMMA, DBETA] });
    const [, , movingMean, movingVariance] = result.layer.getWeights();
    await expectClose(movingMean!, MOVING_MEAN, { rtol: 1e-4, atol: 1e-6 });
    await expectClose(movingVariance!, MOVING_VAR, { rtol: 1e-4 });
    for (const training of [false, undefined]) {
      const y = result.layer.apply(x, training === undefined ? {} : { training }) as tf.Tensor;
      await expectClose(y, Y_INFERENCE, { rtol: 1e-4, atol: 1e-5 });
      y.dispose();
    }
    // Inference leaves the moving statistics alone.
    await expectClose(result.layer.getWeights()[2]!, MOVING_MEAN, { rtol: 1e-4, atol: 1e-6 });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('with center and scale off: no trainable weights, normalized output, moving stats still update', async () => {
    const [x, r] = [tf.tensor2d(X, [4, 3]), tf.tensor2d(R, [4, 3])];
    const result = await layerOutputAndGradients(() => batchNormalization({ center: false, scale: false, momentum: 0.9 }), x, r, { training: true });
    expect(result.layer.trainableWeights).toHaveLength(0);
    const expected = Y_TRAIN.map((y, i) => (y - BETA[i % 3]!) / GAMMA[i % 3]!);
    await expectClose(result.y, expected, { rtol: 1e-4, atol: 1e-5 });
    await expectClose(result.layer.getWeights()[0]!, MOVING_MEAN, { rtol: 1e-4, atol: 1e-6 });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r]);
  });
});

describe('batchNormalization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the option and value', () => {
    expect(() => batchNormalization({ momentum: 1.5 })).toThrow(/batchNormalization: momentum must be in \[0, 1\], got 1.5/);
    expect(() => batchNormalization({ axis: [1] as never })).toThrow(/batchNormalization: axis must be an integer, got \[1\]/);
    expect(() => batchNormalization({ axis: 4 }).apply(tf.input({ shape: [3, 3] }))).toThrow(/batchNormalization: axis must be an integer axis in \[-2, 2\] for rank 3.*got 4/);
  });
});
