import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupNormalization } from './group-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64; gradients by central differences), which
// reproduces PyTorch (channels first, so permute):
//   y = F.group_norm(x.permute(0, 3, 1, 2), 2, gamma, beta, eps=1e-3).permute(0, 2, 3, 1)
//   (y * r).sum().backward()  →  x.grad, gamma.grad, beta.grad
// Source of the formula: Wu & He 2018, eq. (1)–(3).
const X = [0.5, 2.3095375, 1.1159863, -1.6279554, -2.2380205, -0.037988367, 1.7519563, 0.73145291, -1.26787, -1.0240378, 1.2172852, 2.0502309, -0.044137022, -2.3321088, -1.6748788, 0.97331128, 1.9590929, 0.17576196, -1.4741138, -0.46734725, 1.5934855, 1.3878636, -1.1163564, -2.4590565, -0.65884437, 1.8774608, 1.7724185, -0.53316046, -1.5609474, 0.061807271, 1.6537261, 0.55052283];
const R = [1.0910404, 2.0908762, 1.4321682, -0.21149987, -1.5291988, -1.6379943, -0.62625479, 0.69976966, 1.4704534, 1.2646022, 0.2511217, -0.95314632, -1.5861632, -1.1542031, 0.17847242, 1.5361928, 1.8493655, 0.70992598, -1.1329098, -2.2160521, -1.5445976, 0.46378486, 2.1960663, 2.1663337, 0.33149379, -1.804433, -2.45469, -1.0881038, 1.126236, 2.3511235, 1.6480174, -0.30004465];
const GAMMA = [1.5, -0.5, 2.0, 0.25];
const BETA = [0.1, 0.2, -0.3, 0.4];
const Y = [1.1600501, -0.78216829, 0.51890873, -0.009431617, -1.6943544, 0.033602122, 1.4678688, 0.43064109, -0.68296612, 0.3762565, 0.67006146, 0.67661725, 0.59278362, 0.83081405, -3.6454695, 0.47575209, 1.771761, 0.37635301, -2.0390248, 0.36275299, 1.3205626, -0.12226777, -1.5269439, 0.0063955606, -1.459052, -0.32367279, 2.6079425, 0.35097767, -2.5723431, 0.42323041, 2.4380506, 0.54487073];
const DX = [1.2536272, -0.57555381, 1.8940701, -0.34482092, -1.5306757, 0.67506478, -1.1629261, -0.12116422, 1.6151496, -0.35256796, 0.13408132, -0.39945444, -1.5478458, 0.46280172, -0.040133165, 0.040347451, 2.1991325, -0.50718873, -1.9550645, -0.46501331, -2.0164338, -0.3162387, 2.9040578, -0.20505705, 0.13219056, 0.65306541, -2.9926484, -0.28051986, 1.0462315, -1.1907588, 2.8485811, 0.14566418];
const DGAMMA = [-0.23503616, 1.6814347, -1.818913, -3.198056];
const DBETA = [1.2086296, 2.2836824, 1.4919915, -0.36655061];
// Instance norm (groups = -1 → 4 groups of 1), gamma/beta as above: F.instance_norm(x_nchw, weight=gamma, bias=beta, eps=1e-3).
const Y_INSTANCE = [1.8762982, -0.55992328, 0.46782252, -0.0021887584, -1.9759904, 0.13134212, 1.418958, 0.43718744, -0.61102631, 0.42169968, 0.61932175, 0.68277428, 1.1107185, 0.80688147, -3.7061023, 0.48222704, 1.7435409, 0.64975058, -2.5286259, 0.45968424, 1.3739658, -0.12906862, -2.0548932, 0.0023250325, -0.90280692, -0.44365256, 1.7703441, 0.44457145, -1.8146998, 0.72297059, 1.6131749, 0.69341928];

describeBackends('groupNormalization goldens', backends, () => {
  it('matches PyTorch group_norm forward and gradients (x, gamma, beta)', async () => {
    const [x, r] = [tf.tensor4d(X, [2, 2, 2, 4]), tf.tensor4d(R, [2, 2, 2, 4])];
    const weights = [tf.tensor1d(GAMMA), tf.tensor1d(BETA)];
    const result = await layerOutputAndGradients(() => groupNormalization({ groups: 2 }), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dx: DX, dWeights: [DGAMMA, DBETA] });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('groups = -1 is instance norm (PyTorch instance_norm)', async () => {
    const x = tf.tensor4d(X, [2, 2, 2, 4]);
    const layer = groupNormalization({ groups: -1 });
    layer.build(x.shape);
    layer.setWeights([tf.tensor1d(GAMMA), tf.tensor1d(BETA)]);
    const y = layer.apply(x) as tf.Tensor;
    await expectClose(y, Y_INSTANCE, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, y]);
    disposeLayerWeights(layer);
  });

  it('invariant: each group of each sample has mean 0 and variance 1 / (1 + eps/var) before γ, β', async () => {
    // Channels first (axis 1) with a rank-3 input; groups of 3 channels.
    const x = tf.randomNormal([4, 6, 5], 3, 2, 'float32', 5);
    const y = groupNormalization({ groups: 2, axis: 1, epsilon: 1e-6 }).apply(x) as tf.Tensor;
    const grouped = y.reshape([4, 2, 15]);
    const { mean, variance } = tf.moments(grouped, 2);
    await expectClose(mean, new Array(8).fill(0), { atol: 1e-5 });
    await expectClose(variance, new Array(8).fill(1), { rtol: 1e-3 });
    tf.dispose([x, y, grouped, mean, variance]);
  });
});

describe('groupNormalization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the option and value', () => {
    expect(() => groupNormalization({ groups: 3 }).apply(tf.input({ shape: [8] }))).toThrow(
      /groupNormalization: groups must be a divisor of the 8 channels on axis -1, got 3/,
    );
    expect(() => groupNormalization({ groups: 16 }).apply(tf.input({ shape: [8] }))).toThrow(/groups must be a divisor of the 8 channels/);
    expect(() => groupNormalization({ groups: 0 })).toThrow(/groups must be an integer ≥ 1, or -1 for instance norm, got 0/);
    expect(() => groupNormalization({ groups: 2.5 })).toThrow(/groups must be .*got 2.5/);
    expect(() => groupNormalization({ groups: 2, axis: 3 }).apply(tf.input({ shape: [8] }))).toThrow(
      /groupNormalization: axis must be an integer axis in \[-1, 1\] for rank 2 \(not the batch axis\), got 3/,
    );
    expect(() => groupNormalization({ groups: 2, axis: 0 }).apply(tf.input({ shape: [8] }))).toThrow(/axis must be .*got 0/);
    expect(() => groupNormalization({ epsilon: -1 })).toThrow(/groupNormalization: epsilon must be a finite number > 0, got -1/);
    expect(() => groupNormalization({ group: 2 } as never)).toThrow(/groupNormalization: unknown option 'group'/);
    // Before tfjs sees them: null options (tfjs crashed reading its name), booleans as strings, tfjs's own options.
    expect(() => groupNormalization(null as never)).toThrow(/groupNormalization: options must be an object/);
    expect(() => groupNormalization({ center: 'false' as never })).toThrow(/groupNormalization: center must be true or false, got "false"/);
    expect(() => groupNormalization({ name: {} as never })).toThrow(/groupNormalization: name must be a non-empty string, got \{\}/);
    expect(() => groupNormalization({ inputShape: 'x' as never })).toThrow(/groupNormalization: inputShape must be an array/);
  });
});
