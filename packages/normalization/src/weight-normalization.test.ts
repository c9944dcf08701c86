import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightNormalization } from './weight-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64, gradients by central differences), the
// computation of PyTorch weight_norm (Salimans & Kingma 2016, eq. 2). PyTorch's Linear weight is
// our kernel transposed, so its dim=0 (per output unit) is our last axis:
//   lin = nn.Linear(3, 2); lin.weight.data = v.T; lin.bias.data = bias
//   lin = torch.nn.utils.weight_norm(lin, dim=0); lin.weight_g.data = g[:, None]
//   y = lin(x); (y * r).sum().backward()   →  lin.weight_v.grad.T, lin.weight_g.grad
const V = [1.2788367, 1.8166914, 1.5707028, 1.2540267, 0.90423464, -0.022788391];
const X = [2.0666538, 1.9814437, -0.59914178, -1.4389616, 0.77859333, 2.2680338];
const R = [0.89733866, 1.3072044, 1.4201124, 1.4137179];
const G = [0.8, -1.7];
const BIAS = [0.25, -0.5];
const Y = [2.1302757, -5.3151729, 0.76703604, 0.80099898];
const DV = [-0.69755222, 1.1469297, 0.26701425, -1.6958294, 0.52271315, -1.8868328];
const DG = [3.0268668, 2.6206881];
const DBIAS = [0.89733866 + 1.4201124, 1.3072044 + 1.4137179]; // sum of r over the batch
// Data-independent init: g = ‖v‖ per output unit (torch.norm(v, dim=0)), so y = x @ v + bias.
const Y_INITIAL = [5.4634072, 5.7529089, 1.6835767, -2.1894571];
const G_INITIAL = [2.2181458, 2.2075937];

describeBackends('weightNormalization goldens', backends, () => {
  it('matches PyTorch weight_norm forward and gradients (v, bias, g)', async () => {
    const [x, r] = [tf.tensor2d(X, [2, 3]), tf.tensor2d(R, [2, 2])];
    const weights = [tf.tensor2d(V, [3, 2]), tf.tensor1d(BIAS), tf.tensor1d(G)];
    const result = await layerOutputAndGradients(() => weightNormalization(tf.layers.dense({ units: 2 })), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dx: undefined, dWeights: [DV, DBIAS, DG] });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });

  it('wrapping a built layer copies its weights, sets g = ‖v‖ and leaves its output unchanged', async () => {
    const x = tf.tensor2d(X, [2, 3]);
    const dense = tf.layers.dense({ units: 2, activation: 'tanh' });
    dense.build([null, 3]);
    dense.setWeights([tf.tensor2d(V, [3, 2]), tf.tensor1d(BIAS)]);
    const wrapped = weightNormalization(dense);
    const y = wrapped.apply(x) as tf.Tensor;
    await expectClose(y, Y_INITIAL.map(Math.tanh), { rtol: 1e-5, atol: 1e-6 });
    expect(wrapped.weights.map((w) => w.shape)).toEqual([[3, 2], [2], [2]]);
    await expectClose(wrapped.getWeights()[2]!, G_INITIAL, { rtol: 1e-5 });
    // The original layer keeps its own variables.
    expect(wrapped.weights[0]!.read()).not.toBe(dense.weights[0]!.read());
    tf.dispose([x, y]);
    disposeLayerWeights(wrapped);
  });

  it('conv2d: w = g·v/‖v‖ per output filter, the norm over (height, width, in)', async () => {
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 3);
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2, useBias: false });
    const wrapped = weightNormalization(conv);
    wrapped.build(x.shape);
    const [v] = wrapped.getWeights();
    const g = tf.tensor1d([0.5, 1, 2, -1]);
    wrapped.setWeights([v!, g]);
    const expected = tf.conv2d(x as tf.Tensor4D, tf.mul(v!, tf.div(g, tf.sqrt(tf.sum(tf.square(v!), [0, 1, 2])))) as tf.Tensor4D, 2, 'same');
    const y = wrapped.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 3, 4]);
    await expectClose(y, expected, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([x, g, expected, y]);
    disposeLayerWeights(wrapped);
  });
});

describe('weightNormalization bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects layers without a kernel, channels-first convs, bad axes and unknown options', () => {
    expect(() => weightNormalization(tf.layers.flatten({ name: 'flat' }))).toThrow(
      /weightNormalization: layer must be a layer with a kernel \(Dense, Conv1D, Conv2D\), got Flatten 'flat'.*got "Flatten"/,
    );
    expect(() => weightNormalization('dense' as never)).toThrow(/weightNormalization: layer must be a tf\.layers\.Layer such as tf\.layers\.dense\(\{units: 8\}\), got "dense"/);
    expect(() => weightNormalization(tf.layers.conv2d({ filters: 2, kernelSize: 1, dataFormat: 'channelsFirst' }))).toThrow(
      /weightNormalization: layer must be a channels-last layer.*got "channelsFirst"/,
    );
    expect(() => weightNormalization(tf.layers.dense({ units: 2 }), { axis: 2 }).apply(tf.input({ shape: [3] }))).toThrow(
      /weightNormalization: axis must be an integer axis in \[-2, 1\] for rank 2, got 2/,
    );
    expect(() => weightNormalization(tf.layers.dense({ units: 2 }), { dim: 0 } as never)).toThrow(/weightNormalization: unknown option 'dim'/);
  });
});
