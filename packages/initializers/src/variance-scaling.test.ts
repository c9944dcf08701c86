import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HostInitializer } from './host-initializer.js';
import { sampleMoments } from './test-utils.js';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform } from './variance-scaling-presets.js';
import { TRUNCATED_STDDEV_CORRECTION, VarianceScaling, varianceScaling } from './variance-scaling.js';

const backends = await testBackends();

async function draw(initializer: HostInitializer, shape: number[]): Promise<Float32Array> {
  const tensor = initializer.apply(shape, 'float32');
  const values = (await tensor.data()) as Float32Array;
  tensor.dispose();
  return values;
}

/** Expects the sample to have mean 0 and the given variance (relative error `rtol`) — 512×512 draws. */
function expectMoments(values: Float32Array, variance: number, rtol = 0.02): void {
  const sample = sampleMoments(values);
  // Standard error of the mean: sqrt(variance / n) (n = 262144 → 0.002·σ).
  expect(Math.abs(sample.mean)).toBeLessThan(5 * Math.sqrt(variance / values.length));
  expect(Math.abs(sample.variance / variance - 1)).toBeLessThan(rtol);
}

describe('varianceScaling statistics (Keras 3 VarianceScaling formulas)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('truncatedNormal: variance scale/fanIn, values cut at ±2σ with σ = √(scale/n)/0.8796…', async () => {
    const values = await draw(varianceScaling({ scale: 2, seed: 1 }), [512, 512]);
    expectMoments(values, 2 / 512);
    const sigma = Math.sqrt(2 / 512) / TRUNCATED_STDDEV_CORRECTION;
    let largest = 0;
    for (const v of values) largest = Math.max(largest, Math.abs(v));
    expect(largest).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
    expect(largest).toBeGreaterThan(1.99 * sigma); // the cut is reached, not a narrower one
  });

  it('untruncatedNormal: variance scale/n and tails beyond 2σ (≈ 4.55 % of draws)', async () => {
    const values = await draw(varianceScaling({ distribution: 'untruncatedNormal', mode: 'fanOut', seed: 2 }), [256, 1024]);
    expectMoments(values, 1 / 1024);
    const beyond = values.filter((v) => Math.abs(v) > 2 * Math.sqrt(1 / 1024)).length / values.length;
    expect(Math.abs(beyond - 0.0455)).toBeLessThan(0.003);
  });

  it('uniform: limit √(3·scale/n), variance scale/n, fanAvg', async () => {
    const values = await draw(varianceScaling({ distribution: 'uniform', mode: 'fanAvg', scale: 3, seed: 3 }), [256, 768]);
    const variance = 3 / 512;
    expectMoments(values, variance);
    const limit = Math.sqrt(3 * variance);
    expect(values.every((v) => Math.abs(v) <= limit * (1 + 1e-6))).toBe(true);
  });

  it('conv kernels use receptive-field fans: [3, 3, 32, 64] → fanIn 288, fanOut 576', async () => {
    expect(varianceScaling().varianceFor([3, 3, 32, 64])).toBe(1 / 288);
    expect(varianceScaling({ mode: 'fanOut' }).varianceFor([3, 3, 32, 64])).toBe(1 / 576);
    expect(varianceScaling({ mode: 'fanAvg' }).varianceFor([3, 3, 32, 64])).toBe(1 / 432);
    const values = await draw(heNormal({ seed: 4 }), [3, 3, 128, 256]);
    expectMoments(values, 2 / (9 * 128));
  });

  it('presets have the Keras/PyTorch variances', async () => {
    const shape = [384, 640];
    const cases: Array<[string, HostInitializer, number]> = [
      ['glorotUniform', glorotUniform({ seed: 5 }), 2 / (384 + 640)],
      ['glorotNormal', glorotNormal({ seed: 6 }), 2 / (384 + 640)],
      ['heNormal', heNormal({ seed: 7 }), 2 / 384],
      ['heUniform', heUniform({ seed: 8 }), 2 / 384],
      ['lecunNormal', lecunNormal({ seed: 9 }), 1 / 384],
      ['lecunUniform', lecunUniform({ seed: 10 }), 1 / 384],
      // PyTorch kaiming_normal_(w, a=0.2, nonlinearity='leaky_relu'): std = sqrt(2 / (1 + 0.04)) / sqrt(fan_in)
      ['heNormal a 0.2', heNormal({ a: 0.2, seed: 11 }), 2 / 1.04 / 384],
      ['heUniform tanh fanOut', heUniform({ nonlinearity: 'tanh', mode: 'fanOut', seed: 12 }), 25 / 9 / 640],
    ];
    for (const [name, initializer, variance] of cases) {
      const sample = sampleMoments(await draw(initializer, shape));
      expect(Math.abs(sample.variance / variance - 1), name).toBeLessThan(0.02);
    }
  });

  it('fixes tfjs: its "normal" variance scaling under-scales by ≈ 0.77 (tfjs#8594); ours hits the target', async () => {
    const theirs = tf.initializers.varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'normal', seed: 1 }).apply([512, 512]);
    const ratio = sampleMoments(await theirs.data()).variance * 512;
    theirs.dispose();
    expect(Math.abs(ratio - TRUNCATED_STDDEV_CORRECTION ** 2)).toBeLessThan(0.02);
    const ours = sampleMoments(await draw(varianceScaling({ distribution: 'normal', seed: 1 }), [512, 512]));
    expect(Math.abs(ours.variance * 512 - 1)).toBeLessThan(0.02);
  });

  it('respects zero-valued arguments: seed 0 is a seed, scale 0 gives zeros; every factory works without arguments', async () => {
    const [a, b] = [await draw(varianceScaling({ seed: 0 }), [8, 8]), await draw(varianceScaling({ seed: 0 }), [8, 8])];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(await draw(varianceScaling({ seed: 1 }), [8, 8])));
    expect((await draw(varianceScaling({ scale: 0, seed: 3 }), [4, 4])).every((v) => v === 0)).toBe(true);
    for (const factory of [varianceScaling, glorotUniform, glorotNormal, heNormal, heUniform, lecunNormal, lecunUniform]) {
      const values = await draw(factory(), [16, 16]);
      expect(sampleMoments(values).variance).toBeGreaterThan(0);
    }
    // Unseeded: two calls differ.
    const unseeded = heNormal();
    expect(Array.from(await draw(unseeded, [8, 8]))).not.toEqual(Array.from(await draw(unseeded, [8, 8])));
  });

  it('rejects bad input naming the option and value', () => {
    expect(() => varianceScaling({ scale: -1 })).toThrow(/varianceScaling: scale must be a finite number ≥ 0, got -1/);
    expect(() => varianceScaling({ mode: 'fan_in' as never })).toThrow(/varianceScaling: mode must be one of "fanIn", "fanOut", "fanAvg", got "fan_in"/);
    expect(() => varianceScaling({ distribution: 'gaussian' as never })).toThrow(/distribution must be one of .*got "gaussian"/);
    expect(() => varianceScaling({ seed: Number.NaN })).toThrow(/varianceScaling: seed must be a finite number, got NaN/);
    expect(() => varianceScaling({ scael: 2 } as never)).toThrow(/unknown option 'scael'/);
    expect(() => heNormal({ nonlinearity: 'swish' })).toThrow(/heNormal: nonlinearity must be one of/);
    expect(() => heNormal({ mode: 'in' as never })).toThrow(/heNormal: mode must be one of/);
    expect(() => glorotUniform({ gain: 2 } as never)).toThrow(/glorotUniform: unknown option 'gain'/);
    expect(() => varianceScaling().apply([2, 2], 'int32')).toThrow(/only float32 weights are supported, got dtype int32/);
  });
});

describeBackends('seeded draws', backends, (backend) => {
  it(`same seed → same tensor on ${backend}, bit-identical to the host values (so identical across backends)`, async () => {
    const initializer = new VarianceScaling({ scale: 2, seed: 123 });
    const first = await draw(initializer, [64, 48]);
    const second = await draw(initializer, [64, 48]);
    expect(Array.from(first)).toEqual(Array.from(second));
    expect(Array.from(first)).toEqual(Array.from(initializer.values([64, 48])));
  });

  it('is usable as a Dense kernelInitializer', async () => {
    const layer = tf.layers.dense({ units: 32, inputShape: [64], kernelInitializer: heNormal({ seed: 9 }) });
    const model = tf.sequential({ layers: [layer] });
    const kernel = (await model.getWeights()[0]!.data()) as Float32Array;
    expect(Array.from(kernel)).toEqual(Array.from(heNormal({ seed: 9 }).values([64, 32])));
    model.dispose();
  });
});
