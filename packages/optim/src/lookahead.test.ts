import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { lookahead } from './lookahead.js';

const backends = await testBackends();

describeBackends('lookahead', backends, (backend) => {
  it('matches Lookahead (Zhang et al. 2019, Optax lookahead) computed by hand: k fast SGD steps, then slow ← slow + α(fast − slow), fast ← slow', async () => {
    // Reference (Zhang et al. 2019, Algorithm 1; optax/_src/lookahead.py _lookahead_update):
    //   for t = 1, 2, …: θ ← θ − η∇L(θ); every k steps: φ ← φ + α(θ − φ); θ ← φ
    const target = [3, -1];
    const [rate, k, alpha] = [0.1, 3, 0.5];
    const w = tf.variable(tf.tensor1d([0, 0]), true, `lookahead_golden_${backend}/w`);
    const targetTensor = tf.tensor1d(target);
    const plugin = lookahead({ syncPeriod: k, slowStepSize: alpha });
    const optimizer = stabilize(tf.train.sgd(rate), [plugin]);
    let fast = [0, 0];
    let slow = [0, 0];
    for (let step = 1; step <= 8; step++) {
      optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, targetTensor))) as tf.Scalar, false, [w]);
      fast = fast.map((value, i) => value - rate * 2 * (value - target[i]!));
      if (step % k === 0) {
        slow = slow.map((value, i) => value + alpha * (fast[i]! - value));
        fast = [...slow];
      }
      await expectClose(w, fast, { rtol: 1e-5, atol: 1e-6 });
      await expectClose(await plugin.withSlowWeights(() => w.data()), slow, { rtol: 1e-5, atol: 1e-6 });
      expect(plugin.sinceSync).toBe(step % k);
    }
    await expectClose(w, fast, { rtol: 1e-5, atol: 1e-6 });
    optimizer.dispose();
    tf.dispose([w, targetTensor]);
  });
});

describe('lookahead bad input', () => {
  it('names the option and the value', () => {
    expect(() => lookahead({ syncPeriod: 0 })).toThrow(/lookahead: syncPeriod must be an integer ≥ 1, got 0/);
    expect(() => lookahead({ slowStepSize: 0 })).toThrow(/lookahead: slowStepSize must be in \(0, 1\], got 0/);
    expect(() => lookahead({ slowStepSize: 1.5 })).toThrow(/slowStepSize must be in \(0, 1\], got 1.5/);
    expect(() => lookahead({ k: 5 } as never)).toThrow(/lookahead: unknown option 'k'/);
    expect(() => lookahead().withSlowWeights(() => 1)).toThrow(/lookahead.withSlowWeights: there are no slow weights yet/);
    expect(() => lookahead().withSlowWeights('x' as never)).toThrow(/lookahead.withSlowWeights: fn must be a function, got "x"/);
  });
});
