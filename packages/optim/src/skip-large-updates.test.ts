import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin, type StepReport } from '@gs/core';
import { countHostSyncs, describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate-gradients.js';
import { skipLargeUpdates } from './skip-large-updates.js';
import { keepReports } from './test-utils.js';

const backends = await testBackends();

describeBackends('skipLargeUpdates', backends, (backend) => {
  it('applies a step with ‖g‖² < maxNorm² and skips one at or above it or non-finite, keeping Adam finite (Optax skip_large_updates)', async () => {
    // Reference (optax/transforms/_accumulation.py skip_large_updates):
    //   norm_sq = Σ‖u‖²; should_skip = not(norm_sq < max_squared_norm)   (NaN → skip)
    const w = tf.variable(tf.tensor1d([1, 2]), true, `skip_large_${backend}/w`);
    const reports: StepReport[] = [];
    const scale = { value: 1 };
    // loss = scale·Σw²: the gradient 2·scale·w has the norm 2·scale·‖w‖ = 2·scale·√5 ≈ 4.47·scale.
    const optimizer = stabilize(tf.train.adam(0.1), [skipLargeUpdates({ maxNorm: 10 }), keepReports(reports)]);
    const step = () => optimizer.minimize(() => tf.mul(tf.sum(tf.square(w)), scale.value) as tf.Scalar, false, [w]);
    step(); // ≈ 4.47: applied
    const afterFirst = Array.from(await w.data());
    expect(afterFirst).not.toEqual([1, 2]);
    scale.value = 100; // ≈ 440: skipped
    expect(countHostSyncs(step)).toBe(0);
    await expectClose(w, afterFirst, { rtol: 0, atol: 0 });
    scale.value = Number.NaN; // NaN: skipped
    step();
    await expectClose(w, afterFirst, { rtol: 0, atol: 0 });
    scale.value = 1;
    step(); // applied again, with finite Adam moments
    const last = Array.from(await w.data());
    expect(last.every(Number.isFinite) && last[0] !== afterFirst[0]).toBe(true);
    const state = await Promise.all((await optimizer.getWeights()).map(async (entry) => Array.from(await entry.tensor.data())));
    expect(state.flat().every(Number.isFinite)).toBe(true);
    await optimizer.flush();
    expect(reports.map((report) => report.values['skipLargeUpdates/skipped'])).toEqual([0, 1, 1, 0]);
    expect(reports[0]!.values['skipLargeUpdates/norm'] as number).toBeCloseTo(2 * Math.sqrt(5), 4);
    optimizer.dispose();
    w.dispose();
  });

  it('before accumulateGradients: a skipped micro-batch contributes zero, a skipped last micro-batch skips the whole update', async () => {
    const run = async (gradients: number[]) => {
      const w = tf.variable(tf.tensor1d([0]), true);
      const optimizer = stabilize(tf.train.sgd(1), [skipLargeUpdates({ maxNorm: 10 }), accumulateGradients({ steps: 2 })]);
      // loss = c·w has the gradient c.
      for (const c of gradients) optimizer.minimize(() => tf.mul(tf.sum(w), c) as tf.Scalar, false, [w]);
      const [value] = await w.data();
      optimizer.dispose();
      w.dispose();
      return value;
    };
    expect(await run([1000, 4])).toBeCloseTo(-2, 6); // −(0 + 4)/2
    expect(await run([4, 1000])).toBe(0); // the update step itself was skipped
    expect(await run([4, 6])).toBeCloseTo(-5, 6);
  });
});

describe('skipLargeUpdates bad input', () => {
  it('names the option and the value', () => {
    expect(() => skipLargeUpdates({} as never)).toThrow(/skipLargeUpdates: maxNorm must be a finite number > 0, got undefined/);
    expect(() => skipLargeUpdates({ maxNorm: -1 })).toThrow(/maxNorm must be a finite number > 0, got -1/);
    expect(() => skipLargeUpdates({ maxSquaredNorm: 4 } as never)).toThrow(/skipLargeUpdates: unknown option 'maxSquaredNorm'/);
  });

  it('is a plugin object with a name (factory called)', () => {
    const plugin: StabilityPlugin = skipLargeUpdates({ maxNorm: 1 });
    expect(plugin.name).toBe('skipLargeUpdates');
  });
});
