import * as tf from '@tensorflow/tfjs';
import {
  buildMlp,
  countHostSyncs,
  countReadbacks,
  describeBackends,
  expectClose,
  expectNoLeak,
  readWeights,
  regressionData,
  testBackends,
} from '@gs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradientMap, StabilityPlugin, StepReport } from './plugin.js';
import { StabilizedOptimizer, stabilize } from './stabilized-optimizer.js';
import { createTrainer } from './trainer.js';
import { describeBothPaths } from './test-utils.js';

const backends = await testBackends();

/** Logs every hook call so the order can be asserted. */
function hookLogger(name: string, log: string[]): StabilityPlugin {
  return {
    name,
    setup: () => void log.push(`${name}.setup`),
    transformGradients: (_grads, ctx) => void log.push(`${name}.transformGradients@${ctx.step}`),
    afterUpdate: (ctx) => void log.push(`${name}.afterUpdate@${ctx.step}`),
    onReport: (report) => void log.push(`${name}.onReport@${report.step}`),
    dispose: () => void log.push(`${name}.dispose`),
  };
}

/** Records the global gradient norm (sum of squares, on device) and keeps every report. */
function normRecorder(reports: StepReport[]): StabilityPlugin {
  return {
    name: 'norm',
    transformGradients(grads, ctx) {
      // stack + sum rather than addN: WebGPU's AddN fails beyond 7 inputs.
      const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
      ctx.record('global', tf.sqrt(tf.sum(tf.stack(squares))));
      ctx.record('perParam', tf.stack(Object.values(grads).map((g) => tf.norm(g))));
    },
    onReport: (report) => void reports.push(report),
  };
}

/** Multiplies every gradient by `factor`. */
function scaleGradients(factor: number): StabilityPlugin {
  return {
    name: 'scale',
    transformGradients: (grads) =>
      Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)])) as GradientMap,
  };
}

function smallModel(seed = 1): tf.Sequential {
  return buildMlp({ inputSize: 4, depth: 2, width: 8, activation: 'tanh', seed });
}

describeBackends('stabilize in fit', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));

  it('runs hooks in order: setup once, transform before update, afterUpdate, then the async report', async () => {
    const log: string[] = [];
    const model = smallModel();
    const optimizer = stabilize(tf.train.sgd(0.05), [hookLogger('a', log), hookLogger('b', log)], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    await optimizer.flush();
    const stepsOf = (step: number) => log.filter((entry) => entry.endsWith(`@${step}`));
    expect(log.slice(0, 2)).toEqual(['a.setup', 'b.setup']);
    expect(stepsOf(0).slice(0, 4)).toEqual([
      'a.transformGradients@0',
      'b.transformGradients@0',
      'a.afterUpdate@0',
      'b.afterUpdate@0',
    ]);
    expect(log.filter((entry) => entry.includes('onReport'))).toEqual(['a.onReport@0', 'b.onReport@0', 'a.onReport@1', 'b.onReport@1']);
    optimizer.dispose();
    expect(log.slice(-2)).toEqual(['a.dispose', 'b.dispose']);
    model.dispose();
  });

  it('delivers recorded values and the loss to onReport as host numbers', async () => {
    const reports: StepReport[] = [];
    const model = smallModel();
    const optimizer = stabilize(tf.train.sgd(0.05), [normRecorder(reports)], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const history = await model.fit(data.xs, data.ys, { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 });
    await optimizer.flush();
    expect(reports.map((r) => r.step)).toEqual([0, 1]);
    for (const [i, report] of reports.entries()) {
      expect(typeof report.values['norm/global']).toBe('number');
      expect(report.values['norm/perParam']).toHaveLength(6);
      expect(report.loss).toBeCloseTo(history.history['loss']![i] as number, 5);
      const perParam = report.values['norm/perParam'] as number[];
      const byHand = Math.sqrt(perParam.reduce((sum, n) => sum + n * n, 0));
      expect(report.values['norm/global']).toBeCloseTo(byHand, 4);
    }
    expect(reports[0]!.params.map((p) => `${p.depth}:${p.role}`)).toEqual([
      '0:kernel', '0:bias', '1:kernel', '1:bias', '2:kernel', '2:bias',
    ]);
    optimizer.dispose();
    model.dispose();
  });

  it('shows every plugin the wrapped optimizer and the gradients as they came, whatever ran before it', async () => {
    const model = smallModel();
    const inner = tf.train.sgd(0.05);
    const seen: Array<{ incoming: number; current: number; optimizer: boolean }> = [];
    const observer: StabilityPlugin = {
      name: 'observer',
      setup: (ctx) => void expect(ctx.optimizer).toBe(inner),
      transformGradients(grads, ctx) {
        const name = Object.keys(grads)[0]!;
        ctx.record('incoming', tf.sum(tf.abs(ctx.incomingGradients[name]!)));
        ctx.record('current', tf.sum(tf.abs(grads[name]!)));
        seen.push({ incoming: 0, current: 0, optimizer: ctx.optimizer === inner });
      },
      onReport: (_report, { own }) => {
        const last = seen[seen.length - 1]!;
        last.incoming = own['incoming'] as number;
        last.current = own['current'] as number;
      },
    };
    const optimizer = stabilize(inner, [scaleGradients(0), observer], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.fit(data.xs, data.ys, { epochs: 1, batchSize: 32, shuffle: false, verbose: 0 });
    await optimizer.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.optimizer).toBe(true);
    expect(seen[0]!.current).toBe(0);
    expect(seen[0]!.incoming).toBeGreaterThan(0);
    optimizer.dispose();
    model.dispose();
  });

  it('applies rewritten gradients: scaling by 0.5 with SGD equals halving the learning rate', async () => {
    const scaled = smallModel(3);
    const halved = smallModel(3);
    scaled.compile({ optimizer: stabilize(tf.train.sgd(0.1), [scaleGradients(0.5)]), loss: 'meanSquaredError' });
    halved.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    for (const model of [scaled, halved]) {
      await model.fit(data.xs, data.ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
    }
    const [a, b] = [await readWeights(scaled), await readWeights(halved)];
    for (let i = 0; i < a.length; i++) await expectClose(a[i]!, b[i]!, { rtol: 1e-5, atol: 1e-6 });
    scaled.dispose();
    halved.dispose();
  });

  it('with no plugins gives bit-identical weights to the bare optimizer (Adam, 10 steps)', async () => {
    const wrapped = smallModel(5);
    const bare = smallModel(5);
    wrapped.compile({ optimizer: stabilize(tf.train.adam(0.01)), loss: 'meanSquaredError' });
    bare.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    for (const model of [wrapped, bare]) {
      await model.fit(data.xs, data.ys, { epochs: 5, batchSize: 16, shuffle: false, verbose: 0 });
    }
    const [a, b] = [await readWeights(wrapped), await readWeights(bare)];
    expect(a.map((w) => Array.from(w))).toEqual(b.map((w) => Array.from(w)));
    wrapped.dispose();
    bare.dispose();
  });

  it('works with trainOnBatch and fitDataset', async () => {
    const reports: StepReport[] = [];
    const model = smallModel();
    const optimizer = stabilize(tf.train.sgd(0.05), [normRecorder(reports)]);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await model.trainOnBatch(data.xs, data.ys);
    const dataset = tf.data.zip({ xs: tf.data.array(tf.unstack(data.xs)), ys: tf.data.array(tf.unstack(data.ys)) }).batch(16);
    await model.fitDataset(dataset as unknown as tf.data.Dataset<tf.TensorContainer>, { epochs: 1, verbose: 0 });
    await optimizer.flush();
    expect(reports.map((r) => r.step)).toEqual([0, 1, 2]);
    model.dispose();
    optimizer.dispose();
  });

  it('keeps tf.memory().numTensors flat over 100 steps with recording and rewriting plugins', async () => {
    const reports: StepReport[] = [];
    const model = smallModel();
    const optimizer = stabilize(tf.train.adam(0.01), [normRecorder(reports), scaleGradients(0.9)]);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    await expectNoLeak(() => model.trainOnBatch(data.xs, data.ys), { steps: 100 });
    await optimizer.flush();
    expect(reports).toHaveLength(103);
    model.dispose();
    optimizer.dispose();
  });
});

describeBackends('createTrainer', backends, () => {
  it('returns the loss and recorded values, runs hooks in order, and matches minimize by hand', async () => {
    const log: string[] = [];
    const reports: StepReport[] = [];
    const model = smallModel(9);
    const reference = smallModel(9);
    const { xs, ys } = regressionData(16, 4);
    const lossOf = (m: tf.LayersModel) => () => tf.losses.meanSquaredError(ys, m.predict(xs) as tf.Tensor) as tf.Scalar;
    const trainer = createTrainer({
      optimizer: tf.train.sgd(0.1),
      plugins: [hookLogger('h', log), normRecorder(reports), scaleGradients(0.5)],
      model,
    });
    const byHand = tf.train.sgd(0.05);
    for (let i = 0; i < 3; i++) {
      const expectedLoss = (await lossOf(reference)().data())[0]!;
      const result = await trainer.step(lossOf(model), model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
      expect(result.step).toBe(i);
      expect(result.loss).toBeCloseTo(expectedLoss, 5);
      expect(typeof result.values['norm/global']).toBe('number');
      byHand.minimize(lossOf(reference), false, reference.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    }
    expect(log).toEqual([
      'h.setup',
      'h.transformGradients@0', 'h.afterUpdate@0', 'h.onReport@0',
      'h.transformGradients@1', 'h.afterUpdate@1', 'h.onReport@1',
      'h.transformGradients@2', 'h.afterUpdate@2', 'h.onReport@2',
    ]);
    const [a, b] = [await readWeights(model), await readWeights(reference)];
    for (let i = 0; i < a.length; i++) await expectClose(a[i]!, b[i]!, { rtol: 1e-5, atol: 1e-6 });
    expect(reports[0]!.params[0]!.activation).toBe('tanh');
    trainer.dispose();
    tf.dispose([xs, ys]);
    byHand.dispose();
    model.dispose();
    reference.dispose();
  });

  it('reports only every k-th step but reads the loss every step', async () => {
    const reports: StepReport[] = [];
    const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'every_test/w');
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [normRecorder(reports)], every: 3 });
    const losses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await trainer.step(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
      losses.push(result.loss);
      expect(Object.keys(result.values).length > 0).toBe(i % 3 === 0);
    }
    expect(reports.map((r) => r.step)).toEqual([0, 3, 6]);
    // Loss of sum(w²) under SGD(0.1): w ← 0.8·w each step, so loss shrinks by 0.64.
    for (let i = 1; i < losses.length; i++) expect(losses[i]! / losses[i - 1]!).toBeCloseTo(0.64, 5);
    trainer.dispose();
    w.dispose();
  });
});

describeBothPaths('step path', backends, (backend) => {
  it('makes no host sync inside a step and one readback per reported step', async () => {
    const reports: StepReport[] = [];
    const w = tf.variable(tf.randomNormal([8, 8], 0, 1, 'float32', 1), true, `sync_test_${backend}/kernel`);
    const skipWhenHuge: StabilityPlugin = {
      name: 'skipWhenHuge',
      transformGradients: (grads, ctx) => ctx.skipUpdateIf(tf.greater(tf.max(tf.abs(grads[w.name]!)), 1e30)),
    };
    const optimizer = stabilize(tf.train.adam(0.01), [normRecorder(reports), scaleGradients(2), skipWhenHuge]);
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    let syncs = -1;
    const readbacks = await countReadbacks(() => {
      syncs = countHostSyncs(() => optimizer.minimize(loss));
    });
    expect(syncs).toBe(0);
    expect(readbacks).toBe(1);
    await optimizer.flush();
    expect(reports).toHaveLength(1);
    optimizer.dispose();
    w.dispose();
  });

  it('skipUpdateIf leaves every weight unchanged when the condition holds, decided on device', async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `skip_test_${backend}/w`);
    let skipNext = true;
    const skipper: StabilityPlugin = {
      name: 'skipper',
      // As documented: zero the gradients of a skipped step so the optimizer's state stays clean.
      transformGradients: (grads, ctx) => {
        const skip = tf.scalar(skipNext, 'bool');
        ctx.skipUpdateIf(skip);
        return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.where(skip, tf.zerosLike(g), g)]));
      },
    };
    const optimizer = stabilize(tf.train.momentum(0.1, 0.9), [skipper]);
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    optimizer.minimize(loss);
    await expectClose(w, [1, -2, 3], { rtol: 0, atol: 0 });
    skipNext = false;
    optimizer.minimize(loss);
    await expectClose(w, [0.8, -1.6, 2.4], { rtol: 1e-6 });
    optimizer.dispose();
    w.dispose();
  });
});

describeBackends('deferUpdate', backends, (backend) => {
  /** Defers the update on every step where `defer(step)` holds (a host-side decision). */
  const deferOn = (defer: (step: number) => boolean): StabilityPlugin => ({
    name: 'deferrer',
    transformGradients: (_grads, ctx) => {
      if (defer(ctx.step)) ctx.deferUpdate();
    },
  });

  it('leaves weights and the wrapped optimizer (Adam moments, iterations) untouched; later plugins and afterUpdate skip the step', async () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `defer_test_${backend}/w`);
    const log: string[] = [];
    const reports: StepReport[] = [];
    const adam = tf.train.adam(0.1);
    const optimizer = stabilize(adam, [
      hookLogger('before', log),
      deferOn((step) => step % 2 === 0),
      hookLogger('after', log),
      { name: 'reports', onReport: (report) => void reports.push(report) },
    ]);
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    // A bare Adam that only sees the odd steps' gradients must end at the same weights.
    const reference = tf.variable(tf.tensor1d([1, -2, 3]), true, `defer_reference_${backend}/w`);
    const bare = tf.train.adam(0.1);
    for (let step = 0; step < 6; step++) {
      const before = Array.from(await w.data());
      optimizer.minimize(loss, false, [w]);
      if (step % 2 === 0) {
        await expectClose(w, before, { rtol: 0, atol: 0 });
      } else {
        bare.minimize(() => tf.sum(tf.square(reference)) as tf.Scalar, false, [reference]);
        await expectClose(w, reference, { rtol: 0, atol: 0 });
      }
      expect(adam.iterations).toBe(Math.floor((step + 1) / 2));
    }
    await optimizer.flush();
    expect(optimizer.step).toBe(6);
    expect(reports.map((report) => report.step)).toEqual([0, 1, 2, 3, 4, 5]);
    // Step 0 was deferred: 'after' never saw its gradients and no afterUpdate ran; the report still reaches everyone.
    expect(log.filter((entry) => entry.includes('@0'))).toEqual(['before.transformGradients@0', 'before.onReport@0', 'after.onReport@0']);
    expect(log.filter((entry) => entry.includes('@1'))).toEqual([
      'before.transformGradients@1',
      'after.transformGradients@1',
      'before.afterUpdate@1',
      'after.afterUpdate@1',
      'before.onReport@1',
      'after.onReport@1',
    ]);
    optimizer.dispose();
    bare.dispose();
    tf.dispose([w, reference]);
  });

  it('adds no host sync, keeps memory flat, and drops a skipUpdateIf condition of the deferred step', async () => {
    const w = tf.variable(tf.randomNormal([8, 8], 0, 1, 'float32', 3), true, `defer_sync_${backend}/kernel`);
    const skipAlways: StabilityPlugin = { name: 'skipAlways', transformGradients: (_grads, ctx) => ctx.skipUpdateIf(tf.scalar(1)) };
    const optimizer = stabilize(tf.train.adam(0.01), [skipAlways, deferOn(() => true), normRecorder([])]);
    const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
    expect(countHostSyncs(() => optimizer.minimize(loss, false, [w]))).toBe(0);
    await expectNoLeak(() => {
      optimizer.minimize(loss, false, [w]);
      return optimizer.flush();
    }, { steps: 20 });
    optimizer.dispose();
    w.dispose();
  });

  it('throws when called outside transformGradients', () => {
    const w = tf.variable(tf.tensor1d([1]), true, `defer_misuse_${backend}/w`);
    const optimizer = stabilize(tf.train.sgd(0.1), [{ name: 'late', afterUpdate: (ctx) => ctx.deferUpdate() }]);
    expect(() => optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w])).toThrow(
      /plugin 'late': deferUpdate can only be called from transformGradients/,
    );
    optimizer.dispose();
    w.dispose();
  });
});

describe('saving a model compiled with a stabilized optimizer', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('round-trips weights and Adam state through model.save → tf.loadLayersModel', async () => {
    const { xs, ys } = regressionData(32, 4);
    const model = smallModel(4);
    model.compile({ optimizer: stabilize(tf.train.adam(0.01), [], { every: 2 }), loss: 'meanSquaredError' });
    await model.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })), { includeOptimizer: true });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.optimizer).toBeInstanceOf(StabilizedOptimizer);
    const restored = loaded.optimizer as StabilizedOptimizer;
    expect(restored.every).toBe(2);
    expect(restored.optimizer.getClassName()).toBe('Adam');
    const [savedState, loadedState] = [await model.optimizer.getWeights(), await restored.getWeights()];
    expect(loadedState.map((w) => w.name)).toEqual(savedState.map((w) => w.name));
    for (let i = 0; i < savedState.length; i++) await expectClose(loadedState[i]!.tensor, savedState[i]!.tensor, { rtol: 0, atol: 0 });
    // Training on from the loaded model matches training on from the original.
    await model.fit(xs, ys, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    await loaded.fit(xs, ys, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    const [a, b] = [await readWeights(model), await readWeights(loaded)];
    expect(b.map((w) => Array.from(w))).toEqual(a.map((w) => Array.from(w)));
    tf.dispose([xs, ys]);
    model.dispose();
    loaded.dispose();
  });
});

describe('fitCallback', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('makes a stop request from onReport take effect at the batch that made it', async () => {
    const { xs, ys } = regressionData(64, 4);
    const model = smallModel(6);
    const stopAtStep2: StabilityPlugin = {
      name: 'stopper',
      transformGradients: (_grads, ctx) => ctx.record('step', ctx.step),
      onReport: (report) => {
        if (report.step === 2) report.stopTraining('enough');
      },
    };
    const optimizer = stabilize(tf.train.sgd(0.01), [stopAtStep2], { model });
    model.compile({ optimizer, loss: 'meanSquaredError' });
    let batches = 0;
    const counter = new tf.CustomCallback({ onBatchEnd: async () => void batches++ });
    await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [optimizer.fitCallback(), counter] });
    expect(optimizer.stopRequested).toBe('enough');
    expect(optimizer.step).toBe(3);
    expect(batches).toBe(3);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});

describe('bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects a non-optimizer, a non-array plugin list, a nameless plugin and a bad every', () => {
    expect(() => stabilize({ minimize() {} } as unknown as tf.Optimizer)).toThrow(/optimizer must be a tf\.Optimizer.*got \{\}/);
    expect(() => stabilize('adamm' as unknown as tf.Optimizer)).toThrow(/stabilize: optimizer must be a tf\.Optimizer.*'adam'.*got "adamm"/);
    expect(() => stabilize(42 as unknown as tf.Optimizer)).toThrow(/stabilize: optimizer must be a tf\.Optimizer.*got 42/);
    expect(() => stabilize(null as unknown as tf.Optimizer)).toThrow(/stabilize: optimizer must be a tf\.Optimizer.*got null/);
    expect(() => stabilize(undefined as unknown as tf.Optimizer)).toThrow(/model\.optimizer is undefined until model\.compile/);
    expect(() => stabilize(tf.train.sgd(0.1), {} as unknown as StabilityPlugin[])).toThrow(/stabilize: plugins must be an array/);
    expect(() => stabilize(tf.train.sgd(0.1), [{} as StabilityPlugin])).toThrow(/plugins\[0\] has no name/);
    expect(() => stabilize(tf.train.sgd(0.1), [], { every: 0 })).toThrow(/every must be an integer ≥ 1, got 0/);
    expect(() => stabilize(tf.train.sgd(0.1), [], { every: 1.5 })).toThrow(/every must be an integer ≥ 1, got 1.5/);
    expect(() => stabilize(stabilize(tf.train.sgd(0.1)))).toThrow(/already stabilized/);
  });

  it('names the plugin and variable when a gradient map misses a variable or changes a shape', () => {
    const a = tf.variable(tf.zeros([2, 3]), true, 'bad_map/a');
    const b = tf.variable(tf.zeros([3]), true, 'bad_map/b');
    const loss = () => tf.add(tf.sum(tf.square(tf.sub(a, 1))), tf.sum(tf.square(tf.sub(b, 1)))) as tf.Scalar;
    const dropsB: StabilityPlugin = { name: 'dropsB', transformGradients: (grads) => ({ 'bad_map/a': grads['bad_map/a']! }) };
    const reshapes: StabilityPlugin = {
      name: 'reshapes',
      transformGradients: (grads) => ({ ...grads, 'bad_map/a': tf.reshape(grads['bad_map/a']!, [3, 2]) }),
    };
    const [first, second] = [stabilize(tf.train.sgd(0.1), [dropsB]), stabilize(tf.train.sgd(0.1), [reshapes])];
    const before = tf.memory().numTensors;
    expect(() => first.minimize(loss, false, [a, b])).toThrow(
      /plugin 'dropsB': transformGradients returned a gradient map missing 'bad_map\/b'/,
    );
    expect(() => second.minimize(loss, false, [a, b])).toThrow(
      /plugin 'reshapes': transformGradients changed the shape of 'bad_map\/a' from \[2,3\] to \[3,2\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('surfaces an onReport error at the next step and in flush', async () => {
    const w = tf.variable(tf.scalar(1), true, 'report_error/w');
    const failing: StabilityPlugin = {
      name: 'failing',
      transformGradients: (_g, ctx) => ctx.record('x', 1),
      onReport: () => {
        throw new Error('detector tripped');
      },
    };
    const optimizer = stabilize(tf.train.sgd(0.1), [failing]);
    optimizer.minimize(() => tf.square(w) as tf.Scalar);
    await expect(optimizer.flush()).rejects.toThrow('detector tripped');
    expect(() => optimizer.minimize(() => tf.square(w) as tf.Scalar)).toThrow('detector tripped');
    w.dispose();
  });
});
