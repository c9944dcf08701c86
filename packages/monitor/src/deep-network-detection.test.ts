// The "must show": on 30-layer MLPs the vanishing and exploding detectors fire on the
// pathological initializations and stay quiet on the healthy ones, on cpu/wasm and on webgpu.
import * as tf from '@tensorflow/tfjs';
import { createTrainer } from '@gs/core';
import { buildMlp, describeBackends, regressionData, testBackends } from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Detector, DetectorEvent } from './detector.js';
import { explodingGradients } from './exploding-gradients.js';
import { monitor } from './monitor.js';
import { variablesOf } from './test-utils.js';
import { vanishingGradients } from './vanishing-gradients.js';

const all = await testBackends();
// 30 layers on the cpu backend are slow; wasm stands for the CPU side when it is available.
const backends = all.includes('wasm') ? all.filter((backend) => backend !== 'cpu') : all;

const DEPTH = 30;
const WIDTH = 32;
const STEPS = 3;

type Init = Parameters<typeof buildMlp>[0]['kernelInitializer'];

describeBackends('detectors on 30-layer MLPs', backends, () => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(64, 16);
  });
  afterAll(() => tf.dispose(data));

  async function run(activation: string, kernelInitializer: Init | undefined, detector: Detector) {
    const model = buildMlp({ inputSize: 16, depth: DEPTH, width: WIDTH, activation, ...(kernelInitializer ? { kernelInitializer } : {}) });
    const events: DetectorEvent[] = [];
    const watcher = monitor({ detectors: [detector], onEvent: (event) => events.push(event) });
    const trainer = createTrainer({ optimizer: tf.train.sgd(1e-3), plugins: [watcher], model });
    const lossFn = () => tf.losses.meanSquaredError(data.ys, model.predict(data.xs) as tf.Tensor) as tf.Scalar;
    for (let i = 0; i < STEPS; i++) await trainer.step(lossFn, variablesOf(model));
    const layers = watcher.history.latest!.layers;
    trainer.dispose();
    model.dispose();
    return { events, layers, summary: watcher.summary() };
  }

  it('vanishing fires on a sigmoid MLP with default (Glorot) init and names the early layers', async () => {
    const { events, layers, summary } = await run('sigmoid', undefined, vanishingGradients());
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.step).toBe(STEPS - 1); // patience 3: the third report in a row
    expect(event!.layer).toBe(layers[0]!.name);
    expect(event!.depth).toBe(0);
    expect(event!.layers.slice(0, 5)).toEqual(layers.slice(0, 5).map((layer) => layer.name));
    expect(event!.message).toContain(layers[0]!.name);
    expect(event!.fixes![0]!.id).toBe('reluHe'); // a sigmoid net: ReLU + He first
    expect(event!.remedies[0]).toContain("initialize(await replaceActivation(model, 'sigmoid', 'relu'), 'he')");
    expect(summary.diagnosis).toBe('vanishing');
    expect(summary.decadesPer10Layers!).toBeGreaterThan(1);
  });

  it('vanishing stays quiet on a ReLU MLP with He init', async () => {
    const { events, summary } = await run('relu', tf.initializers.heNormal({ seed: 1 }), vanishingGradients());
    expect(events).toEqual([]);
    expect(summary.diagnosis).toBe('healthy');
  });

  it('exploding fires on a ReLU MLP with N(0, 1) weights and names the layer', async () => {
    const { events, layers } = await run('relu', tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: 2 }), explodingGradients());
    expect(events.length).toBeGreaterThanOrEqual(1);
    const [event] = events;
    expect(event!.step).toBe(0);
    expect(layers.map((layer) => layer.name)).toContain(event!.layer);
    expect(event!.message).toMatch(/exploding gradients at step 0: layer \S+ \(depth \d+\)/);
    expect(event!.remedies.join(' ')).toMatch(/clip/);
  });

  it('exploding stays quiet on a ReLU MLP with He init', async () => {
    const { events } = await run('relu', tf.initializers.heNormal({ seed: 3 }), explodingGradients());
    expect(events).toEqual([]);
  });
});
