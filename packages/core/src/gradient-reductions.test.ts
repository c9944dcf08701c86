import * as tf from '@tensorflow/tfjs';
import { countKernelLaunches, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import type { GradientMap } from './plugin.js';
import { SHAPES, describeBothPaths, gradients, makeScope, unitSums, values } from './test-utils.js';

describeBothPaths('ctx.reductions', await testBackends(), (backend) => {
  it('gives per-parameter and per-unit Σx² of every shape, a missing gradient as zeros', async () => {
    const { ctx, dispose } = makeScope();
    const grads = gradients();
    const partial: GradientMap = { ...grads };
    delete partial['d/bias'];
    const { layout } = ctx.reductions;
    expect(layout.units).toEqual([1, 1, 3, 3]);
    expect(layout.width).toBe(3);
    const expectedUnits = Object.keys(SHAPES).flatMap((name, p) => {
      const sums = unitSums(SHAPES[name]!, values(SHAPES[name]!, p + 3));
      return [...sums, ...new Array<number>(3 - sums.length).fill(0)];
    });
    const units = ctx.reductions.unitSquaredNorms(grads);
    expect(units.shape).toEqual([4, 3]);
    await expectClose(units, expectedUnits, { rtol: 1e-6 });
    const expectedTotals = [0, 1, 2, 3].map((p) => expectedUnits.slice(3 * p, 3 * p + 3).reduce((a, b) => a + b));
    await expectClose(ctx.reductions.squaredNorms(grads), expectedTotals, { rtol: 1e-6 });
    await expectClose(ctx.reductions.squaredNorms(partial), expectedTotals.map((total, p) => (p === 1 ? 0 : total)), { rtol: 1e-6 });
    tf.dispose(Object.values(grads));
    dispose();
  });

  it('computes each reduction once per step: asking again, or with a copy of the map, launches no kernel', async () => {
    const { ctx, dispose } = makeScope();
    const grads = gradients();
    const first = ctx.reductions.squaredNorms(grads);
    let again: tf.Tensor | undefined;
    const launches = await countKernelLaunches(() => {
      again = ctx.reductions.squaredNorms({ ...grads });
    });
    expect(again).toBe(first);
    expect(launches.kernels).toBe(0);
    tf.dispose(Object.values(grads));
    dispose();
  });

  it('keeps a NaN or Infinity in its own unit and parameter', async () => {
    const { ctx, dispose } = makeScope();
    const grads = gradients();
    grads['d/kernel'] = tf.tensor2d([[1, Number.NaN, 2], [3, 4, 5], [0, 0, 0], [1, 1, 1]]);
    grads['r/scale'] = tf.scalar(Number.POSITIVE_INFINITY);
    const units = Array.from(await ctx.reductions.unitSquaredNorms(grads).data());
    expect(units.map(Number.isFinite)).toEqual([false, true, true, true, true, true, true, false, true, true, true, true]);
    const totals = Array.from(await ctx.reductions.squaredNorms(grads).data());
    expect(totals.map(Number.isFinite)).toEqual([false, true, false, true]);
    expect(totals[0]).toBe(Number.POSITIVE_INFINITY);
    tf.dispose(Object.values(grads));
    dispose();
  });

  it('gives Σ(a − b)² per parameter and the weights as a map that outlives the update', async () => {
    const { scope, ctx, dispose } = makeScope();
    const grads = gradients();
    const expected = Object.keys(SHAPES).map((name, p) =>
      values(SHAPES[name]!, p + 3).reduce((sum, g, i) => sum + (g - values(SHAPES[name]!, p + 1)[i]!) ** 2, 0),
    );
    const weights = ctx.reductions.weights();
    expect(ctx.reductions.weights()).toBe(weights);
    await expectClose(ctx.reductions.squaredDistances(grads, weights), expected, { rtol: 1e-5 });
    // An update replaces the variables' data: the map taken before keeps the old values.
    for (const variable of ctx.variables.values()) variable.assign(tf.add(variable, tf.onesLike(variable)));
    scope.reductions.weightsChanged();
    const after = ctx.reductions.weights();
    expect(after).not.toBe(weights);
    const moved = Object.keys(SHAPES).map((name) => SHAPES[name]!.reduce((a, b) => a * b, 1));
    await expectClose(ctx.reductions.squaredDistances(after, weights), moved);
    tf.dispose(Object.values(grads));
    dispose();
  });

  it(`derives the reductions of scaled and zeroed maps without a pass over the gradients [${backend}]`, async () => {
    const { ctx, dispose } = makeScope();
    const grads = gradients();
    const { size, width } = ctx.reductions.layout;
    const perParameter = tf.tensor1d([2, -1, 0.5, 3]);
    const perUnit = tf.tensor2d(Array.from({ length: size * width }, (_, i) => 1 + (i % 4) / 4), [size, width]);
    const clean = tf.scalar(false, 'bool');
    const chains: Array<[string, GradientMap]> = [
      ['scalar', ctx.scaleGradients(grads, 0.5)],
      ['per parameter', ctx.scaleGradients(ctx.scaleGradients(grads, 2), perParameter)],
      ['per unit', ctx.scaleGradients(ctx.zeroGradientsIf(ctx.scaleGradients(grads, perParameter), clean), perUnit)],
    ];
    for (const [label, scaled] of chains) {
      ctx.reductions.unitSquaredNorms(grads);
      let derived: tf.Tensor[] = [];
      const launches = await countKernelLaunches(() => {
        derived = [ctx.reductions.unitSquaredNorms(scaled), ctx.reductions.squaredNorms(scaled)];
      });
      // Only small kernels on [P, width] matrices: nothing as large as a gradient.
      expect(launches.kernels, label).toBeLessThan(12);
      // Reference: the same reductions of the gradients as they materialize.
      const materialized = Object.fromEntries(Object.keys(grads).map((name) => [name, tf.clone(scaled[name]!)]));
      const { ctx: fresh, dispose: disposeFresh } = makeScope();
      await expectClose(derived[0]!, fresh.reductions.unitSquaredNorms(materialized), { rtol: 1e-5 });
      await expectClose(derived[1]!, fresh.reductions.squaredNorms(materialized), { rtol: 1e-5 });
      disposeFresh();
      tf.dispose(Object.values(materialized));
    }
    tf.dispose([...Object.values(grads), perParameter, perUnit, clean]);
    dispose();
  });
});
