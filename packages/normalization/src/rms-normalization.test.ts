import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rmsNormalization } from './rms-normalization.js';
import { disposeLayerWeights, expectLayerGoldens, layerOutputAndGradients } from './test-utils.js';

const backends = await testBackends();

// Golden values: scripts/goldens.py (numpy float64, gradients by central differences), the
// computation of PyTorch's nn.RMSNorm (Zhang & Sennrich 2019, eq. 4):
//   norm = nn.RMSNorm(4, eps=1e-6); norm.weight.data = gamma
//   y = norm(x); (y * r).sum().backward()   # == x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * gamma
const X = [0.89733866, 2.1434725, 2.2960486, 1.2121816, -0.52568197, -1.951225, -2.2865454, -1.4003155, 0.12393534, 1.349037, 1.5546393, 0.67057054];
const R = [2.182942, 1.332428, -1.4905363, -0.053520024, 2.1782656, -0.11493364, -2.0719565, 0.40252583, 1.4208855, -1.5681406, -1.9969707, 1.0094069];
const GAMMA = [0.5, 1.0, -1.5, 2.0];
const Y = [0.25753165, 1.2303315, -1.976863, 1.3915599, -0.15656952, -1.1623087, 2.0430793, -1.6682842, 0.057155965, 1.2442861, -2.1508855, 1.2370033];
const DX = [0.25150102, -0.13094368, 0.32382466, -0.56800309, 0.410382, -0.95333515, 0.8144018, -0.15548207, 0.55843794, -2.5004796, 1.5481078, 1.3380891];
const DGAMMA = [0.60467747, -0.17829911, -2.0057801, 0.25131797];

describeBackends('rmsNormalization goldens', backends, () => {
  it('matches PyTorch nn.RMSNorm forward and gradients (x, gamma)', async () => {
    const [x, r] = [tf.tensor2d(X, [3, 4]), tf.tensor2d(R, [3, 4])];
    const weights = [tf.tensor1d(GAMMA)];
    const result = await layerOutputAndGradients(() => rmsNormalization(), x, r, { weights });
    await expectLayerGoldens(result, { y: Y, dx: DX, dWeights: [DGAMMA] });
    disposeLayerWeights(result.layer);
    tf.dispose([x, r, ...weights]);
  });
});

describe('rmsNormalization properties', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('output has unit RMS over the axis and is invariant to rescaling the input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.01, max: 100, noNaN: true }), async (seed, factor) => {
        const layer = rmsNormalization({ axis: [1, 2], epsilon: 1e-12 });
        const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', seed);
        const scaled = tf.mul(x, factor);
        const [y, yScaled] = [layer.apply(x) as tf.Tensor, layer.apply(scaled) as tf.Tensor];
        const rms = tf.sqrt(tf.mean(tf.square(y), [1, 2]));
        await expectClose(rms, [1, 1], { rtol: 1e-4 });
        await expectClose(yScaled, y, { rtol: 1e-4, atol: 1e-5 });
        tf.dispose([x, scaled, y, yScaled, rms]);
        disposeLayerWeights(layer);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects bad options with the option and value named', () => {
    expect(() => rmsNormalization({ axis: 1.5 })).toThrow(/rmsNormalization: axis must be an integer or a non-empty list of integers, got 1.5/);
    expect(() => rmsNormalization({ axis: -3 }).apply(tf.input({ shape: [4] }))).toThrow(/rmsNormalization: axis must be an integer axis in \[-1, 1\] for rank 2.*got -3/);
    expect(() => rmsNormalization({ axis: [1, -1] }).apply(tf.input({ shape: [4] }))).toThrow(/axis must be a list of distinct axes, got \[1,-1\]/);
    expect(() => rmsNormalization({ epsilon: 0 })).toThrow(/rmsNormalization: epsilon must be a finite number > 0, got 0/);
  });
});
