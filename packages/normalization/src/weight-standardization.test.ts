import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightStandardization } from './weight-standardization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64, gradients by central differences). timm's
// StdConv2d / BiT form of Qiao et al. 2019 (biased variance inside the square root), per output unit:
//   w = (v - v.mean(0)) / torch.sqrt(v.var(0, unbiased=False) + 1e-5); y = x @ w + bias
//   (y * r).sum().backward()  →  v.grad
const V = [1.2788367, 1.8166914, 1.5707028, 1.2540267, 0.90423464, -0.022788391];
const X = [2.0666538, 1.9814437, -0.59914178, -1.4389616, 0.77859333, 2.2680338];
const R = [0.89733866, 1.3072044, 1.4201124, 1.4137179];
const BIAS = [0.25, -0.5];
const Y = [3.541316, 3.0717692, -1.8688644, -4.8175505];
const DV = [-7.2572162, -1.4235669, 4.0790553, 2.050883, 3.178161, -0.62731612];

describeBackends('weightStandardization', backends, () => {
  it('matches the standardized-kernel formula forward and gradient', async () => {
    const [x, r] = [tf.tensor2d(X, [2, 3]), tf.tensor2d(R, [2, 2])];
    const weights = [tf.tensor2d(V, [3, 2]), tf.tensor1d(BIAS)];
    const result = await layerOutputAndGradients(() => weightStandardization(tf.layers.dense({ units: 2 })), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dWeights: [DV] });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('conv1d: the effective kernel has zero mean and unit variance per filter (the output is a conv with it)', async () => {
    const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 8);
    const layer = weightStandardization(tf.layers.conv1d({ filters: 4, kernelSize: 3, useBias: false }), { epsilon: 1e-8 });
    layer.build(x.shape);
    const kernel = layer.getWeights()[0]!;
    const { mean, variance } = tf.moments(kernel, [0, 1], true);
    const standardized = tf.div(tf.sub(kernel, mean), tf.sqrt(variance));
    const expected = tf.conv1d(x as tf.Tensor3D, standardized as tf.Tensor3D, 1, 'valid');
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 5, 4]);
    await expectClose(y, expected, { rtol: 1e-4, atol: 1e-5 });
    const stats = tf.moments(standardized, [0, 1]);
    await expectClose(stats.mean, [0, 0, 0, 0], { atol: 1e-6 });
    await expectClose(stats.variance, [1, 1, 1, 1], { rtol: 1e-4 });
    tf.dispose([x, mean, variance, standardized, expected, y, stats.mean, stats.variance]);
    disposeLayerWeights(layer);
  });
});

describe('weightStandardization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the option and value', () => {
    expect(() => weightStandardization(tf.layers.dense({ units: 2 }), { epsilon: 0 })).toThrow(/weightStandardization: epsilon must be a finite number > 0, got 0/);
    expect(() => weightStandardization(tf.layers.dropout({ rate: 0.5, name: 'drop' }))).toThrow(/weightStandardization: layer must be a layer with a kernel.*Dropout 'drop'/);
  });
});
