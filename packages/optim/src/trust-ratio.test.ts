import * as tf from '@tensorflow/tfjs';
import { stabilize, type StabilityPlugin, type StepReport } from '@gs/core';
import { countHostSyncs, describeBackends, expectClose, testBackends } from '@gs/testing';
import { describe, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate-gradients.js';
import { emaWeights } from './ema-weights.js';
import { lookahead } from './lookahead.js';
import { skipLargeUpdates } from './skip-large-updates.js';
import { trustRatio } from './trust-ratio.js';
import { keepReports } from './test-utils.js';

const backends = await testBackends();

const norm = (x: number[]) => Math.sqrt(x.reduce((sum, value) => sum + value * value, 0));
/** Optax's safe trust ratio: c·‖w‖/‖d‖, or 1 when either norm is 0. */
const ratio = (w: number[], d: number[], coefficient = 1) => (norm(w) === 0 || norm(d) === 0 ? 1 : (coefficient * norm(w)) / norm(d));

/** Two parameters with quadratic losses Σ(w − target)²: gradient 2(w − target). */
function problem(backend: string, tag: string) {
  const start = { kernel: [1, 2, 3, 4], bias: [0.5, -0.5] };
  const targets = { kernel: [0, 1, -1, 2], bias: [1, 1] };
  const kernel = tf.variable(tf.tensor2d(start.kernel, [2, 2]), true, `${tag}_${backend}/kernel`);
  const bias = tf.variable(tf.tensor1d(start.bias), true, `${tag}_${backend}/bias`);
  const kernelTarget = tf.tensor2d(targets.kernel, [2, 2]);
  const biasTarget = tf.tensor1d(targets.bias);
  const loss = () => tf.add(tf.sum(tf.square(tf.sub(kernel, kernelTarget))), tf.sum(tf.square(tf.sub(bias, biasTarget)))) as tf.Scalar;
  const gradient = (w: number[], target: number[]) => w.map((value, i) => 2 * (value - target[i]!));
  return {
    start,
    targets,
    variables: [kernel, bias],
    loss,
    gradient,
    dispose: () => tf.dispose([kernel, bias, kernelTarget, biasTarget]),
  };
}

describeBackends('trustRatio', backends, (backend) => {
  it("'gradients' with momentum equals Optax lars (weight decay, trust coefficient), computed by hand", async () => {
    // Reference (optax/_src/alias.py lars): chain(add_decayed_weights(wd), scale_by_trust_ratio(trust_coefficient),
    //   scale_by_learning_rate(lr), trace(decay=momentum)); scale_by_trust_ratio: u · c‖w‖/(‖u‖ + eps), 1 if a norm is 0.
    const [rate, momentum, decay, coefficient] = [0.5, 0.9, 0.01, 0.1];
    const p = problem(backend, 'lars');
    const reports: StepReport[] = [];
    const optimizer = stabilize(tf.train.momentum(rate, momentum), [trustRatio({ trustCoefficient: coefficient, weightDecay: decay }), keepReports(reports)]);
    const state = { kernel: [...p.start.kernel], bias: [...p.start.bias] };
    const trace = { kernel: [0, 0, 0, 0], bias: [0, 0] };
    const expectedRatios: number[][] = [];
    for (let step = 0; step < 4; step++) {
      optimizer.minimize(p.loss, false, p.variables);
      const ratios: number[] = [];
      for (const name of ['kernel', 'bias'] as const) {
        const w = state[name];
        const d = p.gradient(w, p.targets[name]).map((g, i) => g + decay * w[i]!);
        const r = ratio(w, d, coefficient);
        ratios.push(r);
        trace[name] = d.map((value, i) => -rate * r * value + momentum * trace[name][i]!);
        state[name] = w.map((value, i) => value + trace[name][i]!);
      }
      expectedRatios.push(ratios);
      await expectClose(p.variables[0]!, state.kernel, { rtol: 1e-4, atol: 1e-6 });
      await expectClose(p.variables[1]!, state.bias, { rtol: 1e-4, atol: 1e-6 });
    }
    await optimizer.flush();
    for (let step = 0; step < 4; step++) await expectClose(reports[step]!.values['trustRatio/ratio'] as number[], expectedRatios[step]!, { rtol: 1e-4 });
    optimizer.dispose();
    p.dispose();
  });

  it("'updates' with Adam equals Optax lamb (weight decay), computed by hand; excluded parameters get plain Adam", async () => {
    // Reference (optax/_src/alias.py lamb): chain(scale_by_adam(b1, b2, eps, eps_root = 0),
    //   add_decayed_weights(wd), scale_by_trust_ratio(), scale_by_learning_rate(lr)).
    const [rate, beta1, beta2, eps, decay] = [0.05, 0.9, 0.999, 1e-6, 0.01];
    const p = problem(backend, 'lamb');
    const optimizer = stabilize(tf.train.adam(rate, beta1, beta2, eps), [
      trustRatio({ weightDecay: decay, exclude: [p.variables[1]!.name] }), // default target with Adam: 'updates'
    ]);
    const state = { kernel: [...p.start.kernel], bias: [...p.start.bias] };
    const m = { kernel: [0, 0, 0, 0], bias: [0, 0] };
    const v = { kernel: [0, 0, 0, 0], bias: [0, 0] };
    for (let t = 1; t <= 4; t++) {
      optimizer.minimize(p.loss, false, p.variables);
      for (const name of ['kernel', 'bias'] as const) {
        const w = state[name];
        const g = p.gradient(w, p.targets[name]);
        m[name] = m[name].map((value, i) => beta1 * value + (1 - beta1) * g[i]!);
        v[name] = v[name].map((value, i) => beta2 * value + (1 - beta2) * g[i]! ** 2);
        const adam = m[name].map((value, i) => value / (1 - beta1 ** t) / (Math.sqrt(v[name][i]! / (1 - beta2 ** t)) + eps));
        if (name === 'bias') {
          state.bias = w.map((value, i) => value - rate * adam[i]!);
          continue;
        }
        const d = adam.map((value, i) => value + decay * w[i]!);
        const r = ratio(w, d);
        state.kernel = w.map((value, i) => value - rate * r * d[i]!);
      }
      await expectClose(p.variables[0]!, state.kernel, { rtol: 1e-4, atol: 1e-6 });
      await expectClose(p.variables[1]!, state.bias, { rtol: 1e-4, atol: 1e-6 });
    }
    optimizer.dispose();
    p.dispose();
  });

  it("'updates' leaves the weights alone on a skipped step (no weight decay without an update) and adds no host sync", async () => {
    const p = problem(backend, 'lamb_skip');
    const optimizer = stabilize(tf.train.adam(0.05), [skipLargeUpdates({ maxNorm: 1e-3 }), trustRatio({ weightDecay: 0.1 })]);
    const before = await Promise.all(p.variables.map(async (v) => Array.from(await v.data())));
    expect(countHostSyncs(() => optimizer.minimize(p.loss, false, p.variables))).toBe(0);
    for (let i = 0; i < p.variables.length; i++) await expectClose(p.variables[i]!, before[i]!, { rtol: 0, atol: 0 });
    optimizer.dispose();
    p.dispose();
  });
});

describe('trustRatio: orders and combinations that make no sense are errors', () => {
  const run = (plugins: StabilityPlugin[], optimizer: tf.Optimizer = tf.train.adam(0.01)) => {
    const w = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
    const stabilized = stabilize(optimizer, plugins);
    try {
      for (let step = 0; step < 2; step++) stabilized.minimize(() => tf.sum(tf.square(w)) as tf.Scalar, false, [w]);
    } finally {
      stabilized.dispose();
      w.dispose();
    }
  };

  it('before accumulateGradients', () => {
    expect(() => run([trustRatio(), accumulateGradients({ steps: 2 })])).toThrow(
      /accumulateGradients: trustRatio runs before accumulateGradients in the plugin list.*put accumulateGradients before trustRatio/,
    );
    expect(() => run([accumulateGradients({ steps: 2 }), trustRatio()])).not.toThrow();
  });

  it("'updates' after emaWeights or lookahead", () => {
    expect(() => run([emaWeights(), trustRatio()])).toThrow(/trustRatio: emaWeights ran before trustRatio.*put trustRatio before emaWeights/);
    expect(() => run([lookahead({ syncPeriod: 1 }), trustRatio()])).toThrow(/put trustRatio before lookahead/);
    expect(() => run([trustRatio(), emaWeights(), lookahead()])).not.toThrow();
  });

  it("'gradients' with an adaptive optimizer", () => {
    expect(() => run([trustRatio({ applyTo: 'gradients' })], tf.train.rmsprop(0.01))).toThrow(
      /trustRatio: applyTo 'gradients' with RMSProp: an adaptive optimizer divides each gradient by its own running scale/,
    );
    expect(() => run([trustRatio({ applyTo: 'updates' })], tf.train.sgd(0.01))).not.toThrow();
  });

  it('bad input names the option and the value', () => {
    expect(() => trustRatio({ applyTo: 'weights' as never })).toThrow(/trustRatio: applyTo must be one of "gradients", "updates", got "weights"/);
    expect(() => trustRatio({ trustCoefficient: 0 })).toThrow(/trustRatio: trustCoefficient must be a finite number > 0, got 0/);
    expect(() => trustRatio({ weightDecay: -1 })).toThrow(/trustRatio: weightDecay must be a finite number ≥ 0, got -1/);
    expect(() => trustRatio({ exclude: 'bias' as never })).toThrow(/trustRatio: exclude must be an array of parameter or layer names or a predicate/);
    expect(() => trustRatio({ eps: Number.NaN })).toThrow(/trustRatio: eps must be a finite number ≥ 0, got NaN/);
    expect(() => trustRatio({ coefficient: 1 } as never)).toThrow(/trustRatio: unknown option 'coefficient'/);
  });
});
