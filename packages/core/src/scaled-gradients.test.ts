import * as tf from '@tensorflow/tfjs';
import { countKernelLaunches, expectClose, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import type { GradientMap } from './plugin.js';
import type { StabilityPlugin } from './plugin.js';
import { stabilize } from './stabilized-optimizer.js';
import { createStepContext } from './step-scope.js';
import { SHAPES, describeBothPaths, gradients, makeScope, values } from './test-utils.js';

const NAMES = Object.keys(SHAPES);
const UNITS = [1, 1, 3, 3];

describeBothPaths('ctx.scaleGradients and ctx.zeroGradientsIf', await testBackends(), (backend, fused) => {
  it('give g·factor for a scalar, per-parameter and per-unit factor, in every shape', async () => {
    const { ctx, dispose } = makeScope();
    const grads = gradients();
    const perParameter = [2, -1, 0.5, 3];
    const perUnit = Array.from({ length: 12 }, (_, i) => 1 + (i % 5) / 4);
    const cases: Array<[string, number | tf.Tensor, (p: number, unit: number) => number]> = [
      ['scalar', 0.5, () => 0.5],
      ['per parameter', tf.tensor1d(perParameter), (p) => perParameter[p]!],
      ['per unit', tf.tensor2d(perUnit, [4, 3]), (p, unit) => perUnit[3 * p + unit]!],
    ];
    for (const [label, factor, factorOf] of cases) {
      const scaled = ctx.scaleGradients(grads, factor);
      expect(Object.keys(scaled), label).toEqual(NAMES);
      for (const [p, name] of NAMES.entries()) {
        expect(scaled[name]!.shape, `${label} ${name}`).toEqual(SHAPES[name]);
        const expected = values(SHAPES[name]!, p + 3).map((g, i) => g * factorOf(p, i % UNITS[p]!));
        await expectClose(scaled[name]!, expected, { rtol: 1e-6 });
      }
      if (factor instanceof tf.Tensor) factor.dispose();
    }
    tf.dispose(Object.values(grads));
    dispose();
  });

  it('zero every gradient, NaN and Infinity included, only when the condition holds; a chain costs one pass', async () => {
    const { scope, ctx, dispose } = makeScope();
    const grads = gradients();
    grads['d/kernel'] = tf.tensor2d([[1, Number.NaN, 2], [3, 4, Number.POSITIVE_INFINITY], [0, 0, 0], [1, 1, 1]]);
    const bad = tf.scalar(true, 'bool');
    const chain = (condition: tf.Tensor): GradientMap => ctx.scaleGradients(ctx.zeroGradientsIf(ctx.scaleGradients(grads, 2), condition), 0.25);
    let zeroed: GradientMap = {};
    const setup = await countKernelLaunches(() => {
      zeroed = chain(bad);
    });
    // Building the chain runs only small kernels (conditions and factors), no gradient pass.
    expect(setup.kernels).toBeLessThan(8);
    for (const name of NAMES) expect(Array.from(await zeroed[name]!.data())).toEqual(new Array(tf.util.sizeFromShape(SHAPES[name]!)).fill(0));
    const kept = chain(tf.scalar(0));
    let reads: tf.Tensor[] = [];
    const launches = await countKernelLaunches(() => {
      reads = NAMES.map((name) => kept[name]!);
    });
    // Read one by one: a dispatch each on WebGPU; read again: the same tensors.
    if (backend === 'webgpu' && fused) expect(launches.dispatches).toBe(NAMES.length);
    expect(kept['d/bias']).toBe(reads[1]);
    await expectClose(kept['d/bias']!, values([3], 4).map((g) => g * 0.5), { rtol: 1e-6 });
    // All at once, as core hands them to the optimizer: on WebGPU as many gradients per dispatch as
    // the device's storage buffers allow (an input and an output each, factors and condition).
    const together = chain(tf.scalar(0));
    const batched = await countKernelLaunches(() => scope.scalings.materializeAll(together));
    if (backend === 'webgpu' && fused) {
      const { maxStorageBuffersPerShaderStage } = (tf.backend() as unknown as { device: GPUDevice }).device.limits;
      expect(batched.dispatches).toBe(Math.ceil(NAMES.length / Math.floor((maxStorageBuffersPerShaderStage - 2) / 2)));
    }
    // On wasm and cpu: one kernel for all of them.
    else if (fused) expect(batched.kernels).toBe(1);
    for (const name of NAMES) {
      await expectClose(together[name]!, Array.from(await grads[name]!.data()).map((g) => g * 0.5), { rtol: 1e-6 });
    }
    tf.dispose([...Object.values(grads), bad]);
    dispose();
  });

  it('reject a factor of the wrong shape and calls outside transformGradients, naming them', () => {
    const { scope, ctx, dispose } = makeScope();
    const grads = gradients();
    expect(() => ctx.scaleGradients(grads, tf.ones([5]))).toThrow(/factor must be a scalar, one value per parameter \[4\] or one per unit \[4, 3\].*got shape \[5\]/);
    expect(() => ctx.zeroGradientsIf(grads, tf.ones([2]))).toThrow(/zeroGradientsIf: condition must be a scalar, got shape \[2\]/);
    scope.inTransform = false;
    expect(() => ctx.scaleGradients(grads, 2)).toThrow(/plugin 'test': scaleGradients can only be called from transformGradients/);
    tf.dispose(Object.values(grads));
    dispose();
  });

  it('createStepContext gives a transform context outside an optimizer and names a bad option', async () => {
    const optimizer = tf.train.sgd(0.1);
    const grads = gradients(['d/bias']);
    const params = [{ name: 'd/bias', layerName: 'd', role: 'bias', shape: [3], depth: 0, index: 0 }];
    const options = { step: 0, reporting: true, params, variables: new Map(), optimizer, incomingGradients: grads, record: () => {} };
    const standalone = createStepContext(options);
    await expectClose(standalone.context.scaleGradients(grads, 2)['d/bias']!, values([3], 3).map((g) => 2 * g));
    standalone.dispose();
    expect(() => createStepContext({ ...options, step: -1 })).toThrow(/createStepContext: step must be an integer ≥ 0, got -1/);
    expect(() => createStepContext({ ...options, variables: {} as Map<string, tf.Variable> })).toThrow(/createStepContext: variables must be a Map/);
    expect(() => createStepContext({ ...options, recrod: () => {} } as typeof options)).toThrow(/createStepContext: unknown option 'recrod'/);
    tf.dispose(Object.values(grads));
    optimizer.dispose();
  });

  it('inside an optimizer: a lazily scaled map trains exactly like the same scaling done by hand', async () => {
    const run = async (lazy: boolean) => {
      const w = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, `lazy_${lazy}_${backend}/kernel`);
      const b = tf.variable(tf.tensor1d([0.25, -1]), true, `lazy_${lazy}_${backend}/bias`);
      const optimizer = stabilize(tf.train.sgd(0.1), [
        {
          name: 'halve',
          transformGradients: (grads, ctx) =>
            lazy ? ctx.scaleGradients(grads, 0.5) : Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, 0.5)])),
        },
      ]);
      for (let step = 0; step < 3; step++) {
        optimizer.minimize(() => tf.sum(tf.square(tf.add(tf.matMul(tf.ones([1, 2]), w), b))) as tf.Scalar, false, [w, b]);
      }
      const result = [...(await w.data()), ...(await b.data())];
      optimizer.dispose();
      tf.dispose([w, b]);
      return result;
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('scale every element of tensors larger than one sweep of a pass, with units that do not divide its stride', async () => {
    // A [500, 9] kernel: on WebGPU each invocation handles every 320th element (5 workgroups of
    // 64), and 320 mod 9 ≠ 0, so the unit of each element is carried along, not recomputed.
    const rows = 500;
    const units = 9;
    const gradient = Array.from({ length: rows * units }, (_, i) => ((i * 13) % 17) - 8 + 0.5);
    const factors = Array.from({ length: 2 * units }, (_, i) => 0.25 + (i % 7) / 8);
    const factorOf = (p: number, unit: number) => factors[p * units + unit]!;
    const expected = (p: number) => (value: number, i: number) => -Math.fround(value * factorOf(p, p === 0 ? i % units : 0));
    const run = async (mode: 'minimize' | 'applyGradients') => {
      const w = tf.variable(tf.zeros([rows, units]), true, `strided_${mode}_${backend}_${fused}/kernel`);
      const b = tf.variable(tf.zeros([units]), true, `strided_${mode}_${backend}_${fused}/bias`);
      const target = tf.tensor2d(gradient, [rows, units]);
      const scaler: StabilityPlugin = {
        name: 'scaler',
        transformGradients: (grads, ctx) => ctx.scaleGradients(grads, tf.tensor2d(factors, [2, units])),
      };
      const optimizer = stabilize(tf.train.sgd(1), [scaler]);
      // Gradients: the target for the kernel, ones for the bias (Σ over the bias's entries).
      const loss = () => tf.add(tf.sum(tf.mul(w, target)), tf.sum(b)) as tf.Scalar;
      if (mode === 'minimize') optimizer.minimize(loss, false, [w, b]);
      else {
        const { grads } = tf.variableGrads(loss, [w, b]);
        optimizer.applyGradients(grads);
        tf.dispose(grads);
      }
      const result = [Array.from(await w.data()), Array.from(await b.data())];
      optimizer.dispose();
      tf.dispose([w, b, target]);
      return result;
    };
    for (const mode of ['minimize', 'applyGradients'] as const) {
      const [kernel, bias] = await run(mode);
      expect(kernel, mode).toEqual(gradient.map(expected(0)));
      expect(bias, mode).toEqual(new Array(units).fill(1).map(expected(1)));
    }
  });

  it('minimize scales its own gradients in place on WebGPU: the same weights as into new tensors, and a plugin keeping the gradients still sees them unscaled', async () => {
    // Three runs: minimize (core owns the gradients: in place on WebGPU), minimize with a plugin
    // holding views of the incoming gradients (shared data: new tensors), applyGradients with the
    // caller's gradients (never overwritten).
    const run = async (mode: 'minimize' | 'kept' | 'applyGradients') => {
      const w = tf.variable(tf.tensor2d([[1, -2, 0.5], [3, 0.5, -1]]), true, `inplace_${mode}_${backend}/kernel`);
      const b = tf.variable(tf.tensor1d([0.25, -1, 2]), true, `inplace_${mode}_${backend}/bias`);
      const kept: number[][] = [];
      const views: tf.Tensor[] = [];
      const keeper: StabilityPlugin = {
        name: 'keeper',
        transformGradients: (grads) => {
          if (mode !== 'minimize') views.push(...Object.values(grads).map((g) => tf.keep(tf.reshape(g, [-1]))));
        },
      };
      const scaler: StabilityPlugin = {
        name: 'scaler',
        transformGradients: (grads, ctx) =>
          ctx.scaleGradients(ctx.zeroGradientsIf(grads, tf.scalar(ctx.step === 1 ? 1 : 0)), tf.tensor2d([[0.5, -2, 3], [0.25, 0, 0]])),
      };
      const optimizer = stabilize(tf.train.sgd(0.1), [keeper, scaler]);
      const loss = () => tf.sum(tf.square(tf.add(tf.matMul(tf.tensor2d([[1, 2]]), w), b))) as tf.Scalar;
      const scaleKernels: number[] = [];
      for (let step = 0; step < 3; step++) {
        if (mode === 'applyGradients') {
          const { grads } = tf.variableGrads(loss, [w, b]);
          optimizer.applyGradients(grads);
          for (const view of views.splice(0)) kept.push(Array.from(await view.data()));
          for (const name of Object.keys(grads)) kept.push(Array.from(await grads[name]!.data()));
          tf.dispose(grads);
        } else {
          const launches = await countKernelLaunches(() => optimizer.minimize(loss, false, [w, b]));
          scaleKernels.push(launches.byName.find(([name]) => name === 'GradientStabilityScaleGradients')?.[1] ?? 0);
          for (const view of views.splice(0)) kept.push(Array.from(await view.data()));
        }
        tf.dispose(views);
      }
      const weights = [...(await w.data()), ...(await b.data())];
      optimizer.dispose();
      tf.dispose([w, b]);
      return { weights, kept, scaleKernels };
    };
    const inPlace = await run('minimize');
    const kept = await run('kept');
    const caller = await run('applyGradients');
    expect(inPlace.weights).toEqual(caller.weights);
    expect(kept.weights).toEqual(caller.weights);
    // The views and the caller's gradients after the step: unscaled (each step's pair of views
    // equals the caller's gradients of that step).
    const callerViews = caller.kept.filter((_, i) => i % 4 < 2);
    const callerGradients = caller.kept.filter((_, i) => i % 4 >= 2);
    expect(callerViews).toEqual(callerGradients);
    expect(kept.kept).toEqual(callerViews);
    // On WebGPU the in-place pass runs outside tfjs's kernels; with shared data, the SCALE_GRADIENTS kernel.
    if (backend === 'webgpu' && fused) {
      expect(inPlace.scaleKernels).toEqual([0, 0, 0]);
      expect(kept.scaleKernels.every((count) => count > 0)).toBe(true);
    }
  });
});
