import * as tf from '@tensorflow/tfjs';
import { describeParams } from '@gs/core';
import { residualMlp } from '@gs/residual';
import { describe, expect, it } from 'vitest';
import type { DetectorEvent, Verdict } from './detector.js';
import { initialLayerWeights } from './initial-weights.js';
import { describeArchitecture } from './model-architecture.js';
import type { MonitorRecord } from './monitor-record.js';
import { rankRemedies, type TrainingSetup } from './rank-remedies.js';

function event(verdict: Verdict, extra: Partial<DetectorEvent> = {}): DetectorEvent {
  return { detector: 'test', verdict, step: 0, layers: [], value: 1, message: '', remedies: [], action: 'warn', ...extra };
}

/** The set-up of a Sequential MLP with the given activation and kernel standard deviation (biases `bias`). */
function mlpSetup(activation: string, stddev: number, optimizer: TrainingSetup['optimizer'], ratio = 1e-3, record: Partial<MonitorRecord> = {}, bias = 0): TrainingSetup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 32, activation: activation as 'relu', inputShape: [32], name: 'd0' }));
  model.add(tf.layers.dense({ units: 32, activation: activation as 'relu', name: 'd1' }));
  model.add(tf.layers.dense({ units: 1, name: 'head' }));
  const params = describeParams(model);
  // Kernel norms for N(0, stddev²): ‖W‖ = stddev·√(fanIn·fanOut); biases 0.
  const norms = params.map((param) => (param.role === 'kernel' ? stddev * Math.sqrt(param.shape[0]! * param.shape[1]!) : Math.abs(bias) * Math.sqrt(param.shape[0]!)));
  const first: MonitorRecord = {
    step: 0,
    gradientNorm: 1,
    layers: ['d0', 'd1', 'head'].map((name, depth) => ({ name, depth, gradientNorm: 1, weightNorm: 1, updateRatio: ratio })),
    extras: {},
    ...record,
  };
  const setup = { architecture: describeArchitecture(params, model), initialWeights: initialLayerWeights(params, norms), optimizer, records: [first] };
  model.dispose();
  return setup;
}

const ids = (remedies: { id: string }[]) => remedies.map((remedy) => remedy.id);
const he = Math.SQRT2 / Math.sqrt(32); // He-normal standard deviation for fanIn 32
const sgd = { className: 'SGD', learningRate: 3 };

describe('rankRemedies: ranked from the evidence, never what the model already has', () => {
  it('a too-high learning rate comes first with a rate aimed at ratio ≈ 3e-3, and the call that sets it', () => {
    const fixes = rankRemedies(event('learning rate too high', { value: 0.3 }), mlpSetup('relu', he, sgd, 0.3));
    expect(fixes[0]).toMatchObject({ id: 'lowerLearningRate', call: 'tf.train.sgd(0.03)', parameters: { learningRate: 0.03 } });
    expect(ids(fixes)).toEqual(['lowerLearningRate', 'warmup', 'clipGlobalNorm']);
  });

  it("a too-high rate is lowered from the ratio its verdict rests on (RMSProp 1: 22.4 at the step that overshot), not the newest record's", () => {
    const rmsprop = { className: 'RMSProp', learningRate: 1 };
    const fixes = rankRemedies(event('learning rate too high', { value: 22.4 }), mlpSetup('relu', he, rmsprop, 0.3));
    expect(fixes[0]).toMatchObject({ id: 'lowerLearningRate', call: 'tf.train.rmsprop(0.001)' });
    expect(fixes[0]!.reason).toMatch(/ratio ‖ΔW‖\/‖W‖ is 22\.4/);
  });

  it('a too-high rate under Adam: no clipping (Adam\'s step does not shrink with the gradient norm); no warm-up when each step rewrites the weights wholesale', () => {
    const adam = { className: 'Adam', learningRate: 10 };
    expect(ids(rankRemedies(event('learning rate too high', { value: 0.3 }), mlpSetup('relu', he, adam, 0.3)))).toEqual(['lowerLearningRate', 'warmup']);
    const wholesale = rankRemedies(event('learning rate too high', { value: 84 }), mlpSetup('relu', he, adam, 84));
    expect(ids(wholesale)).toEqual(['lowerLearningRate']);
    expect(wholesale[0]!.call).toBe('tf.train.adam(0.01)');
  });

  it('data evidence first: raw inputs (probe rms 5760) → standardize the inputs; regression targets in the thousands → standardize the targets', () => {
    const rawInputs = rankRemedies(event('exploding', { layer: 'd0' }), mlpSetup('relu', he, { className: 'SGD', learningRate: 0.01 }, 13, { probeInputScale: 5760, loss: 2.4e6 }));
    expect(ids(rawInputs)[0]).toBe('standardizeInputs');
    expect(rawInputs[0]!.reason).toMatch(/root mean square of 5760/);
    expect(ids(rawInputs)).not.toContain('standardizeTargets'); // the inputs explain the large loss
    const setup = (loss: number, lossNames?: string[]) => ({ ...mlpSetup('relu', he, { className: 'SGD', learningRate: 0.01 }, 13, { loss, probeInputScale: 1 }), ...(lossNames ? { lossNames } : {}) });
    const bigTargets = rankRemedies(event('exploding', { layer: 'head' }), setup(1.04e7, ['meanSquaredError']));
    expect(bigTargets[0]).toMatchObject({ id: 'standardizeTargets' });
    expect(bigTargets[0]!.reason).toMatch(/loss starts at 1\.04e\+7 \(targets of size ≈ 3220/);
    expect(ids(rankRemedies(event('exploding', { layer: 'head' }), setup(1.04e7, ['categoricalCrossentropy'])))).not.toContain('standardizeTargets');
    expect(ids(rankRemedies(event('exploding', { layer: 'head' }), setup(30, ['meanSquaredError'])))).not.toContain('standardizeTargets');
  });

  it('biases that start far from 0 (−5 in an ELU net with He kernels): re-initialize, which zeroes them, first', () => {
    const fixes = rankRemedies(event('vanishing', { layer: 'd0' }), mlpSetup('elu', he, { className: 'Adam', learningRate: 1e-3 }, 1e-3, {}, -5));
    expect(fixes[0]).toMatchObject({ id: 'heInit', call: "initialize(model, 'he')" });
    expect(fixes[0]!.reason).toMatch(/d0's biases start at rms 5 \(tfjs's default is 0\)/);
  });

  it('a forward overflow at the first step (an RNN\'s recurrent kernel): no learning rate, clipping or normalization — they cannot change the initial weights', () => {
    const model = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 8, activation: 'relu', inputShape: [50, 4], name: 'rnn' }), tf.layers.dense({ units: 1, name: 'head' })] });
    const params = describeParams(model);
    const norms = params.map((param) => (param.role === 'recurrentKernel' ? 8 : param.role === 'kernel' ? 1 : 0)); // recurrent N(0, 1): g = √8
    const record: MonitorRecord = { step: 0, gradientNorm: Number.NaN, layers: [], extras: {} };
    const setup = { architecture: describeArchitecture(params, model), initialWeights: initialLayerWeights(params, norms), optimizer: { className: 'Adam', learningRate: 1e-3 }, records: [record] };
    expect(ids(rankRemedies(event('non-finite', { source: 'forward', layer: 'rnn' }), setup))).toEqual(['orthogonalInit', 'nonFiniteSkip']);
    model.dispose();
  });

  it('vanishing in a ReLU net with He kernels and Adam: no He init, no Adam — normalization and residuals', () => {
    const fixes = rankRemedies(event('vanishing'), mlpSetup('relu', he, { className: 'Adam', learningRate: 1e-3 }));
    expect(ids(fixes)).toEqual(['batchNormalization', 'residualReZero']);
  });

  it('vanishing in a sigmoid net with SGD: ReLU + He first, then normalization, residuals, Adam', () => {
    const fixes = rankRemedies(event('vanishing'), mlpSetup('sigmoid', 0.18, { className: 'SGD', learningRate: 0.1 }));
    expect(ids(fixes)).toEqual(['reluHe', 'batchNormalization', 'residualReZero', 'adaptiveOptimizer']);
    expect(fixes[0]!.call).toBe("initialize(await replaceActivation(model, 'sigmoid', 'relu'), 'he')");
  });

  it('vanishing through stacked sigmoid RNNs: tanh, never ReLU + He (a ReLU recurrent state overflows)', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.simpleRNN({ units: 8, activation: 'sigmoid', returnSequences: true, inputShape: [20, 1], name: 'rnn0' }),
        tf.layers.simpleRNN({ units: 8, activation: 'sigmoid', name: 'rnn1' }),
        tf.layers.dense({ units: 1, name: 'head' }),
      ],
    });
    const params = describeParams(model);
    const setup = { architecture: describeArchitecture(params, model), optimizer: { className: 'SGD', learningRate: 0.1 } };
    const fixes = rankRemedies(event('vanishing', { layer: 'rnn0' }), setup);
    expect(fixes[0]).toMatchObject({ id: 'recurrentTanh', call: "await replaceActivation(model, 'sigmoid', 'tanh')", parameters: { from: 'sigmoid', to: 'tanh' } });
    expect(ids(fixes)).not.toContain('reluHe');
    model.dispose();
  });

  it('exploding from N(0, 1) kernels: He init of the amplifying layer first, with its measured gain', () => {
    const fixes = rankRemedies(event('exploding', { layer: 'd0' }), mlpSetup('relu', 1, sgd));
    expect(fixes[0]).toMatchObject({ id: 'heInit', call: "initialize(model, 'he')" });
    expect(fixes[0]!.reason).toMatch(/amplifies the signal 4× per layer.*g = rms\(W\)·√fanIn = 5\.66/);
  });

  it('no clipping suggested when a clipping plugin already runs, no normalization in a normalized net', () => {
    const setup = mlpSetup('relu', 1, sgd);
    const withClip = rankRemedies(event('exploding', { layer: 'd0' }), { ...setup, plugins: ['clipByGlobalNorm'] });
    expect(ids(withClip)).not.toContain('clipGlobalNorm');
    expect(ids(withClip)).not.toContain('adaptiveClip');
    const model = residualMlp({ inputShape: [4], depth: 2, width: 8, norm: 'layerNormalization', gate: 'reZero' });
    const normalized = { architecture: describeArchitecture(describeParams(model), model) };
    const vanishing = ids(rankRemedies(event('vanishing'), normalized));
    expect(vanishing).toContain('adaptiveOptimizer');
    expect(vanishing.filter((id) => /Normalization|residual/.test(id))).toEqual([]);
    model.dispose();
  });

  it("a NaN from Adam's update with ε = 0: raise ε first", () => {
    const fixes = rankRemedies(event('non-finite', { source: 'update' }), mlpSetup('relu', he, { className: 'Adam', learningRate: 1e-3, epsilon: 0 }));
    expect(fixes[0]).toMatchObject({ id: 'raiseAdamEpsilon', call: 'tf.train.adam(0.001, 0.9, 0.999, 1e-7)' });
  });

  it('vanishing in a ReLU net with N(0, 0.05²) kernels (tfjs\'s "randomNormal"): He init, with the measured shrink per layer', () => {
    const fixes = rankRemedies(event('vanishing', { layer: 'd0' }), mlpSetup('relu', 0.05, { className: 'SGD', learningRate: 0.01 }));
    expect(fixes[0]).toMatchObject({ id: 'heInit' });
    expect(fixes[0]!.reason).toMatch(/each layer scales the signal by ≈ 0\.2 \(median amplification; 1 keeps it\)/);
  });

  it('a NaN from the data or the loss: fix those first, then keep the weights finite', () => {
    expect(ids(rankRemedies(event('non-finite', { source: 'data' }), mlpSetup('relu', he, sgd)))).toEqual(['cleanData', 'nonFiniteSkip']);
    expect(ids(rankRemedies(event('non-finite', { source: 'loss' }), mlpSetup('relu', he, sgd)))).toEqual(['stableLoss', 'nonFiniteSkip']);
  });

  it('a stalled run: a larger learning rate (×1000 at most), Adam only when the optimizer is not adaptive', () => {
    const fixes = rankRemedies(event('learning rate too low', { value: 1e-8 }), mlpSetup('relu', he, { className: 'SGD', learningRate: 1e-6 }, 1e-8));
    expect(fixes[0]).toMatchObject({ id: 'raiseLearningRate', call: 'tf.train.sgd(0.001)' });
    expect(ids(rankRemedies(event('learning rate too low', { value: 1e-8 }), mlpSetup('relu', he, { className: 'Adam', learningRate: 1e-6 }, 1e-8)))).toEqual([
      'raiseLearningRate',
    ]);
  });
});
