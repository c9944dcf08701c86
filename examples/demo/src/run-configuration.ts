import * as tf from '@tensorflow/tfjs';
import { createTrainer, type StabilityPlugin } from '@gs/core';
import { monitor, type MonitorSink } from '@gs/monitor';
import type { RunConfiguration } from './configuration.js';
import { type DigitSet, digitBatch } from './digit-set.js';
import { GRADIENT_NORMS_RECORDER, gradientNormsRecorder, kernelParams } from './gradient-norms-recorder.js';
import { buildModel } from './model-builder.js';
import { remedyPlugins } from './remedies.js';

/** One step's numbers, as read back from the device. */
export interface StepRecord {
  step: number;
  loss: number;
  /** Gradient norm of each Dense kernel, input side first (on recorded steps only). */
  kernelGradientNorms?: number[];
  /** Gradient norm over all parameters (on recorded steps only). */
  globalGradientNorm?: number;
}

/** A detector event, as `@gs/monitor` reported it. */
export interface DetectorEvent {
  step: number;
  /** The detector's name, e.g. `vanishingGradients`. */
  kind: string;
  layer?: string;
  message: string;
}

/** What one configuration's run produced. */
export interface RunResult {
  configuration: RunConfiguration;
  /** The Dense layers whose kernels are the rows of `kernelGradientNorms`, input side first. */
  layers: string[];
  history: StepRecord[];
  /** Mean loss over the last 10 % of steps (NaN when it diverged). */
  finalLoss: number;
  /** Test-set accuracy after training. */
  testAccuracy: number;
  /** First and last Dense kernel's gradient norm at the first step. */
  firstLayerGradientNorm: number;
  lastLayerGradientNorm: number;
  /** Largest global gradient norm seen (Infinity/NaN when non-finite appeared). */
  maxGlobalGradientNorm: number;
  /** Whether any recorded gradient norm or loss was NaN/Infinity. */
  nonFinite: boolean;
  /** ‖W_end − W_init‖ / ‖W_init‖ of every Dense kernel over the whole run, input side first: how far training moved each layer. */
  kernelWeightChanges: number[];
  events: DetectorEvent[];
  seconds: number;
}

/** Options for `runConfiguration`. */
export interface RunOptions {
  steps: number;
  batchSize: number;
  train: DigitSet;
  test: DigitSet;
  /** Record gradient norms every `every`-th step (the loss is read every step). Default 1. */
  every?: number;
  /** Called with every detector event as it happens. */
  onEvent?: (event: DetectorEvent) => void;
  /** Called after every step. */
  onStep?: (record: StepRecord) => void;
  /** Extra monitor sinks for this run (the Node demo passes a TensorBoard sink); closed when the run ends. */
  sinks?: readonly MonitorSink[];
}

/** The Dense kernels of a model, input side first. */
function denseKernels(model: tf.LayersModel): tf.LayerVariable[] {
  return model.layers.filter((layer) => layer.getClassName() === 'Dense').map((layer) => layer.trainableWeights[0]!);
}

/** ‖after − before‖ / ‖before‖ per kernel (one readback after training, disposes `before`). */
async function relativeChanges(before: tf.Tensor[], after: tf.LayerVariable[]): Promise<number[]> {
  const ratios = tf.tidy(() => tf.stack(before.map((initial, i) => tf.div(tf.norm(tf.sub(after[i]!.read(), initial)), tf.norm(initial)))));
  const values = Array.from(await ratios.data());
  tf.dispose([ratios, ...before]);
  return values;
}

async function testAccuracy(model: tf.LayersModel, test: DigitSet): Promise<number> {
  const chunk = 500;
  let correct = 0;
  for (let start = 0; start < test.count; start += chunk) {
    const size = Math.min(chunk, test.count - start);
    const hits = tf.tidy(() => {
      const { xs, ys } = digitBatch(test, start, size);
      const predicted = (model.predict(xs) as tf.Tensor).argMax(-1);
      return tf.sum(tf.cast(tf.equal(predicted, ys.argMax(-1)), 'float32'));
    });
    correct += (await hits.data())[0]!;
    hits.dispose();
  }
  return correct / test.count;
}

function createOptimizer(configuration: RunConfiguration): tf.Optimizer {
  return configuration.optimizer === 'adam'
    ? tf.train.adam(configuration.learningRate, 0.9, 0.999, configuration.epsilon)
    : tf.train.sgd(configuration.learningRate);
}

/**
 * Trains one configuration on the digits with a custom loop (`createTrainer` from `@gs/core`),
 * the gradient recorder first and the remedy plugins after it, so the recorded norms are the raw
 * gradients, before any clipping.
 */
export async function runConfiguration(configuration: RunConfiguration, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const model = buildModel(configuration);
  const events: DetectorEvent[] = [];
  const every = options.every ?? 1;
  // The monitor runs its default detectors (vanishing, exploding, non-finite) on the raw gradients.
  const watcher = monitor({
    every,
    updateRatios: false,
    sinks: options.sinks ?? [],
    onEvent: (event) => {
      const detected: DetectorEvent = { step: event.step, kind: event.detector, layer: event.layer, message: event.message };
      events.push(detected);
      options.onEvent?.(detected);
    },
  });
  const plugins: StabilityPlugin[] = [gradientNormsRecorder(), watcher, ...remedyPlugins(configuration)];
  const trainer = createTrainer({ optimizer: createOptimizer(configuration), plugins, model, every });
  const history: StepRecord[] = [];
  const kernels = denseKernels(model);
  const initialKernels = kernels.map((kernel) => tf.clone(kernel.read()));
  try {
    for (let step = 0; step < options.steps; step++) {
      const { xs, ys } = digitBatch(options.train, step * options.batchSize, options.batchSize);
      const result = await trainer.step(() =>
        tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
      );
      tf.dispose([xs, ys]);
      const norms = result.values[`${GRADIENT_NORMS_RECORDER}/norms`];
      const global = result.values[`${GRADIENT_NORMS_RECORDER}/global`];
      const record: StepRecord = { step, loss: result.loss };
      if (norms !== undefined && global !== undefined) {
        record.kernelGradientNorms = Array.isArray(norms) ? norms : [norms];
        record.globalGradientNorm = Number(global);
      }
      history.push(record);
      options.onStep?.(record);
    }
  } finally {
    trainer.dispose();
    await watcher.close();
  }
  const accuracy = await testAccuracy(model, options.test);
  const kernelWeightChanges = await relativeChanges(initialKernels, kernels);
  const layers = kernelParams(trainer.optimizer.paramInfo ?? []).map((param) => param.layerName);
  model.dispose();
  const tail = history.slice(-Math.max(1, Math.round(history.length / 10)));
  const finalLoss = tail.reduce((sum, record) => sum + record.loss, 0) / tail.length;
  const recorded = history.filter((record) => record.kernelGradientNorms);
  const firstNorms = recorded[0]?.kernelGradientNorms ?? [];
  const nonFinite = history.some(
    (record) =>
      !Number.isFinite(record.loss) ||
      (record.globalGradientNorm !== undefined && !Number.isFinite(record.globalGradientNorm)) ||
      (record.kernelGradientNorms ?? []).some((norm) => !Number.isFinite(norm)),
  );
  return {
    configuration,
    layers,
    history,
    finalLoss,
    testAccuracy: accuracy,
    firstLayerGradientNorm: firstNorms[0] ?? Number.NaN,
    lastLayerGradientNorm: firstNorms[firstNorms.length - 1] ?? Number.NaN,
    maxGlobalGradientNorm: recorded.reduce(
      (largest, record) =>
        Number.isNaN(record.globalGradientNorm) || Number.isNaN(largest) ? Number.NaN : Math.max(largest, record.globalGradientNorm!),
      0,
    ),
    nonFinite,
    kernelWeightChanges,
    events,
    seconds: (performance.now() - started) / 1000,
  };
}
