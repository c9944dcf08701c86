import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { deltaOrthogonal } from './delta-orthogonal.js';
import { dirac } from './dirac.js';
import { identity } from './identity.js';
import { gramDeviation } from './test-utils.js';

const backends = await testBackends();

describeBackends('deltaOrthogonal, identity and dirac', backends, () => {
  it('deltaOrthogonal: only the centre tap is non-zero and it has orthonormal rows × gain (Xiao et al. 2018)', async () => {
    const shape = [3, 5, 8, 16];
    const tensor = deltaOrthogonal({ gain: 2, seed: 1 }).apply(shape);
    const values = await tensor.data();
    tensor.dispose();
    const tapSize = 8 * 16;
    const centre = (1 * 5 + 2) * tapSize; // index ⌊3/2⌋ = 1, ⌊5/2⌋ = 2
    for (let i = 0; i < values.length; i++) if (i < centre || i >= centre + tapSize) expect(values[i]).toBe(0);
    expect(gramDeviation(values.slice(centre, centre + tapSize), 8, 16, 4)).toBeLessThan(1e-4);
  });

  it('deltaOrthogonal conv2d is norm-preserving at init: ‖conv(x)‖ = ‖x‖', async () => {
    // A 1×1 spatial input with 'same' padding sees only the centre tap: y = x·H, and HHᵀ = I ⇒ ‖y‖ = ‖x‖.
    const layer = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: deltaOrthogonal({ seed: 3 }) });
    const x = tf.randomNormal([4, 1, 1, 6], 0, 1, 'float32', 2);
    const y = layer.apply(x) as tf.Tensor;
    const norms = tf.tidy(() => [x, y].map((t) => tf.sqrt(tf.sum(tf.square(t), [1, 2, 3]))));
    const [xNorms, yNorms] = [await norms[0]!.data(), await norms[1]!.data()];
    tf.dispose(norms);
    for (let i = 0; i < 4; i++) expect(yNorms[i]).toBeCloseTo(xNorms[i]!, 4);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('deltaOrthogonal rejects in > out channels and non-conv shapes', () => {
    expect(() => deltaOrthogonal().apply([3, 3, 16, 8])).toThrow(/in channels must be ≤ out channels.*\(in 16 > out 8\)/);
    expect(() => deltaOrthogonal().apply([16, 8])).toThrow(/rank 3–5, got \[16, 8\]/);
  });

  it('identity: gain on the diagonal, also for non-square shapes', async () => {
    const t = identity({ gain: 0.5 }).apply([2, 3]);
    expect(Array.from(await t.data())).toEqual([0.5, 0, 0, 0, 0.5, 0]);
    t.dispose();
    const zero = identity({ gain: 0 }).apply([2, 2]);
    expect(Array.from(await zero.data())).toEqual([0, 0, 0, 0]); // gain 0 respected
    zero.dispose();
    expect(() => identity().apply([2, 2, 2])).toThrow(/identity: shape must have rank 2, got \[2, 2, 2\]/);
  });

  it('dirac: a conv with the dirac kernel passes its input channels through', async () => {
    const layer = tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: dirac() });
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 4);
    const y = layer.apply(x) as tf.Tensor;
    const expected = tf.concat([x, tf.zeros([2, 6, 6, 2])], 3);
    expect(Array.from(await y.data())).toEqual(Array.from(await expected.data()));
    tf.dispose([x, y, expected]);
    layer.dispose();
  });
});
