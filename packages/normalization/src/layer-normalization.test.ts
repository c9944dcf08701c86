import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerNormalization } from './layer-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64, gradients by central differences), the
// computation of PyTorch (Ba et al. 2016, eq. 3–4; biased variance):
//   y = F.layer_norm(x, (4,), weight=gamma, bias=beta, eps=1e-3); (y * r).sum().backward()
const X = [0.89733866, 2.1434725, 2.2960486, 1.2121816, -0.52568197, -1.951225, -2.2865454, -1.4003155, 0.12393534, 1.349037, 1.5546393, 0.67057054];
const R = [2.182942, 1.332428, -1.4905363, -0.053520024, 2.1782656, -0.11493364, -2.0719565, 0.40252583, 1.4208855, -1.5681406, -1.9969707, 1.0094069];
const GAMMA = [0.5, 1.0, -1.5, 2.0];
const BETA = [0.3, -0.2, 0.0, 0.1];
const Y = [-0.32039815, 0.64888192, -1.657112, -1.3256539, 1.0612293, -0.81525018, 1.6771326, 0.52175982, -0.40580376, 0.54844826, -1.6664385, -0.79559944];
const DX = [1.1301137, -0.50096646, 0.76474927, -1.3938965, 0.70075265, -2.3681071, 2.1676757, -0.50032129, -0.42569775, -4.6786455, 3.3282154, 1.7761278];
const DGAMMA = [-1.3979997, 0.028114874, -1.5485792, -0.32897702];
const DBETA = [5.782093, -0.35064625, -5.5594636, 1.3584127];
// F.layer_norm(x, (4,), eps=1e-3) without weight and bias.
const Y_PLAIN = [-1.2407963, 0.84888192, 1.1047413, -0.71282694, 1.5224587, -0.61525018, -1.1180884, 0.21087991, -1.4116075, 0.74844826, 1.110959, -0.44779972];

describeBackends('layerNormalization goldens', backends, () => {
  it('matches PyTorch layer_norm forward and gradients (x, gamma, beta)', async () => {
    const [x, r] = [tf.tensor2d(X, [3, 4]), tf.tensor2d(R, [3, 4])];
    const weights = [tf.tensor1d(GAMMA), tf.tensor1d(BETA)];
    const result = await layerOutputAndGradients(() => layerNormalization(), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dx: DX, dWeights: [DGAMMA, DBETA] });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('with center and scale off has no weights and matches layer_norm without affine', async () => {
    const [x, r] = [tf.tensor2d(X, [3, 4]), tf.tensor2d(R, [3, 4])];
    const result = await layerOutputAndGradients(() => layerNormalization({ center: false, scale: false }), x, r);
    expect(result.layer.weights).toHaveLength(0);
    await expectLayerGoldens(result, { y: Y_PLAIN });
    tf.dispose([x, r]);
  });
});

describe('layerNormalization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names the option and value', () => {
    expect(() => layerNormalization({ axis: 2 }).apply(tf.input({ shape: [4] }))).toThrow(/layerNormalization: axis must be an integer axis in \[-1, 1\] for rank 2.*got 2/);
    expect(() => layerNormalization({ axis: [] })).toThrow(/layerNormalization: axis must be an integer or a non-empty list of integers, got \[\]/);
    expect(() => layerNormalization({ epsilon: Number.NaN })).toThrow(/epsilon must be a finite number > 0, got NaN/);
  });
});
