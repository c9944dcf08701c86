// The adversarial set: a third batch of models written the way tfjs users write them, after the
// corpus and the held-out set, that the detectors were NOT tuned on — Keras-style conv nets with
// batch norm and dropout, stacked LSTMs, autoencoders, multi-input/multi-output functional models,
// fitDataset on a generator, hand-written variables in a loop, long runs to convergence — and
// broken ones with a known cause and layer. Each entry trains itself under the monitor it is given
// (so it can use model.fit, fitDataset, validationSplit, several inputs or no model at all).
// Test-only.
import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize } from '@gs/core';
import type { BackendName } from '@gs/backends';
import type { GradientMonitor } from '../monitor.js';
import type { RemedyId } from '../remedy.js';
import type { ExpectedSource, ExpectedVerdict } from './corpus-models.js';

/** One adversarial entry: how it trains and what a correct monitor says. */
export interface AdversarialEntry {
  id: string;
  description: string;
  verdict: ExpectedVerdict | readonly ExpectedVerdict[];
  layer?: string;
  source?: ExpectedSource;
  /** The remedy `summary().fixes` must rank first (broken entries whose fix is clear). */
  remedy?: RemedyId;
  backends?: readonly BackendName[];
  /** Too slow for `npm test` on software backends (run with GS_ADVERSARIAL=all). */
  slow?: boolean;
  /** It exposed a bug the detectors then fixed: runs on every backend in `npm test`. */
  regression?: boolean;
  /** Trains under `attach(probe)`'s monitor (the probe is left out for multi-input models); disposes what it made. */
  run(attach: (probe?: tf.Tensor) => GradientMonitor): Promise<void>;
}

const NO_WASM: readonly BackendName[] = ['cpu', 'webgpu'];

/** Gaussian blobs: `classes` centres in `features` dimensions, one-hot labels, optional label noise. */
function blobs(samples: number, features: number, classes: number, seed: number, labelNoise = 0): { xs: tf.Tensor2D; ys: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const centers = tf.randomNormal([classes, features], 0, 1.2, 'float32', seed);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed + 1), classes)), 'int32') as tf.Tensor1D;
    const xs = tf.add(tf.gather(centers, labels), tf.randomNormal([samples, features], 0, 0.8, 'float32', seed + 2)) as tf.Tensor2D;
    let noisy = labels;
    if (labelNoise > 0) {
      const flip = tf.less(tf.randomUniform([samples], 0, 1, 'float32', seed + 3), labelNoise);
      const random = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed + 4), classes)), 'int32');
      noisy = tf.where(flip, random, labels) as tf.Tensor1D;
    }
    return { xs, ys: tf.oneHot(noisy, classes).toFloat() as tf.Tensor2D, labels: tf.cast(labels, 'float32') as tf.Tensor1D };
  });
}

/** A smooth regression target of standardized features: y = sin(x·w) + 0.3·(x·v)², scaled and shifted. */
function smoothRegression(samples: number, features: number, seed: number, center = 0, spread = 1): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.randomNormal([samples, features], 0, 1, 'float32', seed) as tf.Tensor2D;
    const w = tf.randomNormal([features, 1], 0, 0.5, 'float32', seed + 1);
    const v = tf.randomNormal([features, 1], 0, 0.3, 'float32', seed + 2);
    const raw = tf.add(tf.sin(tf.matMul(xs, w)), tf.mul(0.3, tf.square(tf.matMul(xs, v))));
    const { mean, variance } = tf.moments(raw);
    return { xs, ys: tf.add(center, tf.mul(spread, tf.div(tf.sub(raw, mean), tf.sqrt(variance)))) as tf.Tensor2D };
  });
}

/** 16×16 grey images in [0, 1]: class k is a bar at one of `classes` orientations/positions plus noise. */
function bars(samples: number, classes: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed), classes)), 'int32');
    const templates = tf.stack(
      Array.from({ length: classes }, (_, k) => {
        const at = 2 + ((3 * k) % 12);
        const bar = k % 2 === 0 ? tf.pad(tf.ones([2, 12]), [[at, 14 - at], [2, 2]]) : tf.pad(tf.ones([12, 2]), [[2, 2], [at, 14 - at]]);
        return bar;
      }),
    );
    const noise = tf.randomUniform([samples, 16, 16], 0, 0.4, 'float32', seed + 1);
    const xs = tf.expandDims(tf.clipByValue(tf.add(tf.gather(templates, labels), noise), 0, 1), -1) as tf.Tensor4D;
    return { xs, ys: tf.oneHot(labels, classes).toFloat() as tf.Tensor2D };
  });
}

/** Token sequences of length `length` over `vocabulary` ids; class = which quarter of the vocabulary dominates. */
function tokens(samples: number, length: number, vocabulary: number, classes: number, seed: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed), classes)), 'int32');
    const band = vocabulary / classes;
    const inBand = tf.add(tf.mul(tf.reshape(tf.cast(labels, 'float32'), [samples, 1]), band), tf.floor(tf.randomUniform([samples, length], 0, band, 'float32', seed + 1)));
    const anywhere = tf.floor(tf.randomUniform([samples, length], 0, vocabulary, 'float32', seed + 2));
    const pick = tf.less(tf.randomUniform([samples, length], 0, 1, 'float32', seed + 3), 0.5);
    return { xs: tf.where(pick, inBand, anywhere) as tf.Tensor2D, ys: tf.oneHot(labels, classes).toFloat() as tf.Tensor2D };
  });
}

/** Sine sequences [samples, steps, 1] and the next value [samples, 1]. */
function sines(samples: number, steps: number, seed: number): { xs: tf.Tensor3D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const phase = tf.randomUniform([samples, 1], 0, 2 * Math.PI, 'float32', seed);
    const frequency = tf.randomUniform([samples, 1], 0.2, 0.6, 'float32', seed + 1);
    const t = tf.reshape(tf.range(0, steps + 1), [1, steps + 1]);
    const wave = tf.sin(tf.add(tf.mul(t, frequency), phase));
    return {
      xs: tf.expandDims(tf.slice(wave, [0, 0], [samples, steps]), -1) as tf.Tensor3D,
      ys: tf.slice(wave, [0, steps], [samples, 1]) as tf.Tensor2D,
    };
  });
}

/** Two interleaved moons (2 features), labels 0/1 as [n, 1]. */
function moons(samples: number, seed: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const angle = tf.mul(tf.randomUniform([samples, 1], 0, 1, 'float32', seed), Math.PI);
    const label = tf.cast(tf.less(tf.randomUniform([samples, 1], 0, 1, 'float32', seed + 1), 0.5), 'float32');
    const upper = tf.concat([tf.cos(angle), tf.sin(angle)], 1);
    const lower = tf.concat([tf.sub(1, tf.cos(angle)), tf.sub(0.5, tf.sin(angle))], 1);
    const point = tf.add(tf.add(tf.mul(label, lower), tf.mul(tf.sub(1, label), upper)), tf.randomNormal([samples, 2], 0, 0.08, 'float32', seed + 2));
    return { xs: tf.sub(point, tf.tensor2d([[0.5, 0.25]])) as tf.Tensor2D, ys: label as tf.Tensor2D };
  });
}

const dense = (units: number, options: Partial<Parameters<typeof tf.layers.dense>[0]> = {}) => tf.layers.dense({ units, ...options });

/** Trains a compiled-with-stabilize model with fit; disposes the optimizer, model and tensors. */
async function fitWith(
  attach: (probe?: tf.Tensor) => GradientMonitor,
  model: tf.LayersModel,
  optimizer: tf.Optimizer | 'adam' | 'sgd' | 'rmsprop' | 'adagrad',
  loss: string | string[] | ((ys: tf.Tensor, predictions: tf.Tensor) => tf.Tensor),
  xs: tf.Tensor | tf.Tensor[],
  ys: tf.Tensor | tf.Tensor[],
  args: tf.ModelFitArgs,
  extra: { probe?: boolean; lossWeights?: number[] } = {},
): Promise<void> {
  const probe = extra.probe === false || Array.isArray(xs) ? undefined : xs.slice(0, Math.min(32, xs.shape[0]!));
  const watcher = attach(probe);
  const stabilized = stabilize(optimizer, [watcher], { model });
  model.compile({ optimizer: stabilized, loss: loss as string, ...(extra.lossWeights ? { lossWeights: extra.lossWeights } : {}) });
  try {
    await model.fit(xs, ys, { verbose: 0, ...args });
  } finally {
    stabilized.dispose();
    model.dispose();
    tf.dispose([xs, ys, probe].flat().filter((tensor): tensor is tf.Tensor => tensor !== undefined));
  }
}

function sequential(layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential();
  for (const layer of layers) model.add(layer);
  return model;
}

/** Healthy: no event at all. */
export const ADVERSARIAL_HEALTHY: readonly AdversarialEntry[] = [
  {
    id: 'keras-cnn-bn-dropout',
    slow: true,
    description: 'Keras-docs CNN: (Conv2D(relu) → BatchNorm → MaxPool → Dropout) ×2 → Flatten → Dense(64, relu) → Dropout(0.5) → Dense(10, softmax), "adam", fit batch 32',
    verdict: 'healthy',
    backends: NO_WASM,
    run: (attach) => {
      const { xs, ys } = bars(64, 10, 21);
      const model = sequential([
        tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.dropout({ rate: 0.25 }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.dropout({ rate: 0.25 }),
        tf.layers.flatten(),
        dense(64, { activation: 'relu' }),
        tf.layers.dropout({ rate: 0.5 }),
        dense(10, { activation: 'softmax' }),
      ]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 4, batchSize: 16 });
    },
  },
  {
    id: 'text-stacked-lstm',
    slow: true,
    description: 'Embedding(200, 32) → LSTM(32, returnSequences) → LSTM(16) → Dense(4, softmax), "adam", fit with validationSplit 0.2',
    verdict: 'healthy',
    backends: NO_WASM,
    run: (attach) => {
      const { xs, ys } = tokens(160, 12, 200, 4, 31);
      const model = sequential([
        tf.layers.embedding({ inputDim: 200, outputDim: 32, inputLength: 12 }),
        tf.layers.lstm({ units: 32, returnSequences: true }),
        tf.layers.lstm({ units: 16 }),
        dense(4, { activation: 'softmax' }),
      ]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 4, batchSize: 32, validationSplit: 0.2 });
    },
  },
  {
    id: 'dense-autoencoder-momentum',
    description: 'autoencoder 32 → 16 (tanh) → 4 (linear) → 16 (tanh) → 32, MSE, momentum 0.05/0.9, 80 steps',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.tidy(() => tf.tanh(tf.matMul(tf.randomNormal([256, 4], 0, 1, 'float32', 41), tf.randomNormal([4, 32], 0, 0.7, 'float32', 42))));
      const model = sequential([dense(16, { inputShape: [32], activation: 'tanh' }), dense(4), dense(16, { activation: 'tanh' }), dense(32)]);
      return fitWith(attach, model, tf.train.momentum(0.05, 0.9), 'meanSquaredError', xs, xs.clone(), { epochs: 20, batchSize: 64 });
    },
  },
  {
    id: 'large-targets-mae-adam',
    description: 'regression of yearly salaries (targets ≈ 50 000 ± 15 000) with MAE, Dense(32, relu) ×2 → Dense(1), Adam 0.05: gradients of the MAE are bounded',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys } = smoothRegression(256, 8, 51, 50_000, 15_000);
      const model = sequential([dense(32, { inputShape: [8], activation: 'relu' }), dense(32, { activation: 'relu' }), dense(1)]);
      return fitWith(attach, model, tf.train.adam(0.05), 'meanAbsoluteError', xs, ys, { epochs: 5, batchSize: 32 });
    },
  },
  {
    id: 'batch-4-label-noise',
    description: 'small-batch noisy training: 20 % wrong labels, batch size 4, Dense(32, relu) → Dense(5, softmax), "adam", 80 steps',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(160, 10, 5, 61, 0.2);
      labels.dispose();
      const model = sequential([dense(32, { inputShape: [10], activation: 'relu' }), dense(5, { activation: 'softmax' })]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 2, batchSize: 4 });
    },
  },
  {
    id: 'wide-tanh-sgd',
    slow: true,
    description: 'very wide and shallow: Dense(4096, tanh) → Dense(3, softmax), SGD 0.1, batch 64',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 16, 3, 71);
      labels.dispose();
      const model = sequential([dense(4096, { inputShape: [16], activation: 'tanh' }), dense(3, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.sgd(0.1), 'categoricalCrossentropy', xs, ys, { epochs: 4, batchSize: 64 });
    },
  },
  {
    id: 'l1l2-nesterov',
    slow: true,
    description: '4 × Dense(128, relu, kernelRegularizer l1l2(1e-4, 1e-3)) → Dense(6, softmax), momentum 0.01/0.9 Nesterov',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 20, 6, 81);
      labels.dispose();
      const layer = { activation: 'relu' as const, kernelRegularizer: tf.regularizers.l1l2({ l1: 1e-4, l2: 1e-3 }) };
      const model = sequential([dense(128, { inputShape: [20], ...layer }), dense(128, layer), dense(128, layer), dense(128, layer), dense(6, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.momentum(0.01, 0.9, true), 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'adagrad-deep-he',
    description: '6 × Dense(32, relu, heNormal) → Dense(1), Adagrad 0.05, MSE on a standardized smooth target',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys } = smoothRegression(256, 10, 91);
      const layer = { activation: 'relu' as const, kernelInitializer: 'heNormal' as const };
      const model = sequential([dense(32, { inputShape: [10], ...layer }), ...Array.from({ length: 5 }, () => dense(32, layer)), dense(1)]);
      return fitWith(attach, model, tf.train.adagrad(0.05), 'meanSquaredError', xs, ys, { epochs: 4, batchSize: 32 });
    },
  },
  {
    id: 'frozen-first-layers',
    description: '5 × Dense(64, relu) → Dense(4, softmax) whose first two layers are set trainable = false before compile (fine-tuning the top), "adam"',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 12, 4, 101);
      labels.dispose();
      const model = sequential([
        dense(64, { inputShape: [12], activation: 'relu' }),
        ...Array.from({ length: 4 }, () => dense(64, { activation: 'relu' })),
        dense(4, { activation: 'softmax' }),
      ]);
      model.layers[0]!.trainable = false;
      model.layers[1]!.trainable = false;
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'two-inputs-two-outputs',
    description: 'functional: inputs (10 numeric, 5 numeric) → towers → concatenate → Dense(32, relu) → [price (linear, MSE), churn (sigmoid, BCE)] with lossWeights [1, 0.5], "adam" (no probe: two inputs)',
    verdict: 'healthy',
    run: (attach) => {
      const a = tf.input({ shape: [10] });
      const b = tf.input({ shape: [5] });
      const towerA = dense(16, { activation: 'relu' }).apply(a) as tf.SymbolicTensor;
      const towerB = dense(8, { activation: 'relu' }).apply(b) as tf.SymbolicTensor;
      const joined = tf.layers.concatenate().apply([towerA, towerB]) as tf.SymbolicTensor;
      const shared = dense(32, { activation: 'relu' }).apply(joined) as tf.SymbolicTensor;
      const price = dense(1, { name: 'price' }).apply(shared) as tf.SymbolicTensor;
      const churn = dense(1, { activation: 'sigmoid', name: 'churn' }).apply(shared) as tf.SymbolicTensor;
      const model = tf.model({ inputs: [a, b], outputs: [price, churn] });
      const { xs, ys } = smoothRegression(256, 15, 111);
      const [xa, xb] = tf.split(xs, [10, 5], 1);
      const churnLabels = tf.cast(tf.greater(tf.slice(xs, [0, 0], [256, 1]), 0), 'float32');
      xs.dispose();
      return fitWith(attach, model, 'adam', ['meanSquaredError', 'binaryCrossentropy'], [xa!, xb!], [ys, churnLabels], { epochs: 3, batchSize: 32 }, { lossWeights: [1, 0.5] });
    },
  },
  {
    id: 'fitdataset-generator',
    description: 'tf.data.generator yielding fresh batches of 32 (batchesPerEpoch 10) → Dense(48, relu) ×2 → Dense(3, softmax), "adam", 3 epochs',
    verdict: 'healthy',
    run: async (attach) => {
      const centers = tf.randomNormal([3, 8], 0, 1.5, 'float32', 121);
      let seed = 122;
      const dataset = tf.data.generator(function* () {
        for (let i = 0; i < 10; i++) {
          const batch = tf.tidy(() => {
            const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([32], 0, 1, 'float32', seed++), 3)), 'int32');
            return { xs: tf.add(tf.gather(centers, labels), tf.randomNormal([32, 8], 0, 1, 'float32', seed++)), ys: tf.oneHot(labels, 3).toFloat() };
          });
          yield batch;
        }
      });
      const probe = tf.tidy(() => tf.add(tf.gather(centers, tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32')), tf.randomNormal([8, 8], 0, 1, 'float32', 120)));
      const model = sequential([dense(48, { inputShape: [8], activation: 'relu' }), dense(48, { activation: 'relu' }), dense(3, { activation: 'softmax' })]);
      const watcher = attach(probe);
      const optimizer = stabilize('adam', [watcher], { model });
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      try {
        await model.fitDataset(dataset as unknown as tf.data.Dataset<tf.TensorContainer>, { epochs: 3, batchesPerEpoch: 10, verbose: 0 });
      } finally {
        optimizer.dispose();
        model.dispose();
        tf.dispose([centers, probe]);
      }
    },
  },
  {
    id: 'moons-tanh-400-steps',
    regression: true,
    description: 'two moons, Dense(16, tanh) ×2 → Dense(1, sigmoid), Adam 0.02, 400 full-batch steps in a custom loop with binaryCrossentropy: converges, the sigmoid output grows confident',
    verdict: 'healthy',
    run: async (attach) => {
      const { xs, ys } = moons(200, 131);
      const model = sequential([dense(16, { inputShape: [2], activation: 'tanh' }), dense(16, { activation: 'tanh' }), dense(1, { activation: 'sigmoid' })]);
      const probe = xs.slice(0, 32);
      const optimizer = tf.train.adam(0.02);
      const trainer = createTrainer({ optimizer, plugins: [attach(probe)], model });
      try {
        for (let step = 0; step < 400; step++) {
          await trainer.step(() => tf.losses.logLoss(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar);
        }
      } finally {
        trainer.dispose();
        optimizer.dispose();
        model.dispose();
        tf.dispose([xs, ys, probe]);
      }
    },
  },
  {
    id: 'relu-regression-sgd-400-steps',
    slow: true,
    description: 'Dense(32, relu) ×2 → Dense(1), SGD 0.05, 400 full-batch steps on a smooth 4-feature target: the loss and the gradients shrink to convergence',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys } = smoothRegression(128, 4, 141);
      const model = sequential([dense(32, { inputShape: [4], activation: 'relu' }), dense(32, { activation: 'relu' }), dense(1)]);
      return fitWith(attach, model, tf.train.sgd(0.05), 'meanSquaredError', xs, ys, { epochs: 400, batchSize: 128 });
    },
  },
  {
    id: 'bare-variables-loop',
    description: 'no model: a 2-layer tanh net written with tf.variable and tf.matMul, createTrainer({optimizer: adam(0.01)}), 60 steps',
    verdict: 'healthy',
    run: async (attach) => {
      const { xs, ys } = smoothRegression(128, 6, 151);
      const w1 = tf.variable(tf.randomNormal([6, 24], 0, 1 / Math.sqrt(6), 'float32', 152), true, 'w1');
      const b1 = tf.variable(tf.zeros([24]), true, 'b1');
      const w2 = tf.variable(tf.randomNormal([24, 1], 0, 1 / Math.sqrt(24), 'float32', 153), true, 'w2');
      const b2 = tf.variable(tf.zeros([1]), true, 'b2');
      const optimizer = tf.train.adam(0.01);
      const trainer = createTrainer({ optimizer, plugins: [attach()] });
      try {
        for (let step = 0; step < 60; step++) {
          await trainer.step(() => tf.losses.meanSquaredError(ys, tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(xs, w1), b1)), w2), b2)) as tf.Scalar, [w1, b1, w2, b2]);
        }
      } finally {
        trainer.dispose();
        optimizer.dispose();
        tf.dispose([xs, ys, w1, b1, w2, b2]);
      }
    },
  },
  {
    id: 'bn-before-activation',
    description: 'Keras idiom: 4 × (Dense(64, useBias false) → BatchNorm → Activation(relu)) → Dense(5, softmax), SGD 0.1',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 12, 5, 161);
      labels.dispose();
      const block = (first: boolean) => [
        dense(64, { useBias: false, ...(first ? { inputShape: [12] } : {}) }),
        tf.layers.batchNormalization(),
        tf.layers.activation({ activation: 'relu' }),
      ];
      const model = sequential([...block(true), ...block(false), ...block(false), ...block(false), dense(5, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.sgd(0.1), 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'gru-next-value-rmsprop',
    slow: true,
    description: 'GRU(32) over 20 steps of a sine → Dense(1) predicting the next value, "rmsprop", MSE',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys } = sines(128, 20, 171);
      const model = sequential([tf.layers.gru({ units: 32, inputShape: [20, 1] }), dense(1)]);
      return fitWith(attach, model, 'rmsprop', 'meanSquaredError', xs, ys, { epochs: 5, batchSize: 32 });
    },
  },
  {
    id: 'strided-conv-l2-momentum',
    slow: true,
    description: 'Conv2D(16, 3, strides 2, relu, l2 1e-4) → Conv2D(32, 3, strides 2, relu) → GlobalAveragePooling2D → Dense(6, softmax), momentum 0.01/0.9',
    verdict: 'healthy',
    backends: NO_WASM,
    run: (attach) => {
      const { xs, ys } = bars(128, 6, 181);
      const model = sequential([
        tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }),
        tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, activation: 'relu' }),
        tf.layers.globalAveragePooling2d({}),
        dense(6, { activation: 'softmax' }),
      ]);
      return fitWith(attach, model, tf.train.momentum(0.01, 0.9), 'categoricalCrossentropy', xs, ys, { epochs: 4, batchSize: 32 });
    },
  },
  {
    id: 'seq2seq-simplernn-timedistributed',
    description: 'SimpleRNN(16, returnSequences, default tanh) → TimeDistributed(Dense(1)) smoothing a noisy sequence, "adam"',
    verdict: 'healthy',
    run: (attach) => {
      const { xs } = sines(96, 16, 191);
      const noisy = tf.tidy(() => tf.add(xs, tf.randomNormal(xs.shape, 0, 0.3, 'float32', 192)));
      const model = sequential([tf.layers.simpleRNN({ units: 16, returnSequences: true, inputShape: [16, 1] }), tf.layers.timeDistributed({ layer: dense(1) })]);
      return fitWith(attach, model, 'adam', 'meanSquaredError', noisy, xs, { epochs: 5, batchSize: 32 });
    },
  },
  {
    id: 'binary-relu-sigmoid-head',
    regression: true,
    description: 'separable binary task, Dense(32, relu) ×2 → Dense(1, sigmoid), "adam" 0.01, fit 100 steps: the head\'s outputs go to ≈ 0 and 1 (a confident classifier, not saturation)',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, labels, ys } = blobs(64, 6, 2, 201);
      ys.dispose();
      const targets = labels.reshape([64, 1]);
      labels.dispose();
      const model = sequential([dense(32, { inputShape: [6], activation: 'relu' }), dense(32, { activation: 'relu' }), dense(1, { activation: 'sigmoid' })]);
      return fitWith(attach, model, tf.train.adam(0.01), 'binaryCrossentropy', xs, targets, { epochs: 50, batchSize: 32 });
    },
  },
  {
    id: 'multilabel-sigmoid-outputs',
    regression: true,
    description: 'multi-label tagging: Dense(64, relu) → Dense(8, sigmoid) with binaryCrossentropy on sparse tags (most targets 0), "adam" 0.01, 150 steps',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([128, 16], 0, 1, 'float32', 211);
      const ys = tf.tidy(() => tf.cast(tf.greater(tf.matMul(xs, tf.randomNormal([16, 8], 0, 1, 'float32', 212)), 3), 'float32'));
      const model = sequential([dense(64, { inputShape: [16], activation: 'relu' }), dense(8, { activation: 'sigmoid' })]);
      return fitWith(attach, model, tf.train.adam(0.01), 'binaryCrossentropy', xs, ys, { epochs: 38, batchSize: 32 });
    },
  },
  {
    id: 'plain-add-residual-mlp',
    slow: true,
    description: 'user-written residual MLP with tf.layers.add (no gate): stem → 6 × (x + Dense(32) → ReLU → Dense(32)) → Dense(3, softmax), "adam"',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 10, 3, 221);
      labels.dispose();
      const input = tf.input({ shape: [10] });
      let x = dense(32, { activation: 'relu' }).apply(input) as tf.SymbolicTensor;
      for (let i = 0; i < 6; i++) {
        const branch = dense(32).apply(dense(32, { activation: 'relu' }).apply(x)) as tf.SymbolicTensor;
        x = tf.layers.activation({ activation: 'relu' }).apply(tf.layers.add().apply([x, branch])) as tf.SymbolicTensor;
      }
      const model = tf.model({ inputs: input, outputs: dense(3, { activation: 'softmax' }).apply(x) as tf.SymbolicTensor });
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'tanh-12-layers-glorot-adam',
    slow: true,
    description: '12 × Dense(32, tanh) with the default Glorot init (Glorot & Bengio designed it for tanh) → Dense(4, softmax), "adam"',
    verdict: 'healthy',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 16, 4, 231);
      labels.dispose();
      const model = sequential([dense(32, { inputShape: [16], activation: 'tanh' }), ...Array.from({ length: 11 }, () => dense(32, { activation: 'tanh' })), dense(4, { activation: 'softmax' })]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'bag-of-words-embedding-pooling',
    slow: true,
    description: 'tfjs sentiment idiom: Embedding(500, 16) → GlobalAveragePooling1D → Dense(16, relu) → Dense(1, sigmoid), "adam", 40 steps: sparse embedding updates',
    verdict: 'healthy',
    backends: NO_WASM,
    run: (attach) => {
      const { xs, ys: oneHot } = tokens(192, 20, 500, 2, 241);
      const ys = tf.tidy(() => tf.slice(oneHot, [0, 1], [192, 1]));
      oneHot.dispose();
      const model = sequential([
        tf.layers.embedding({ inputDim: 500, outputDim: 16, inputLength: 20 }),
        tf.layers.globalAveragePooling1d({}),
        dense(16, { activation: 'relu' }),
        dense(1, { activation: 'sigmoid' }),
      ]);
      return fitWith(attach, model, 'adam', 'binaryCrossentropy', xs, ys, { epochs: 6, batchSize: 32 });
    },
  },
  {
    id: 'input-batchnorm-raw-pixels',
    description: 'BatchNormalization as the first layer to normalize raw pixels (0–255) → Dense(64, relu) → Dense(10, softmax), "adam": in training mode the inputs are normalized, the probe (inference mode) sees moving statistics that start at mean 0, variance 1',
    verdict: 'healthy',
    run: (attach) => {
      const { xs: images, ys } = bars(128, 10, 251);
      const xs = tf.tidy(() => tf.mul(tf.reshape(images, [128, 256]), 255));
      images.dispose();
      const model = sequential([tf.layers.batchNormalization({ inputShape: [256] }), dense(64, { activation: 'relu' }), dense(10, { activation: 'softmax' })]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'adam-linear-warmup-loop',
    description: 'custom loop: Dense(64, relu) ×2 → Dense(4, softmax), Adam whose rate warms up linearly from 0 to 1e-3 over 100 steps (transformer practice), 40 steps watched',
    verdict: 'healthy',
    run: async (attach) => {
      const { xs, ys, labels } = blobs(256, 12, 4, 261);
      labels.dispose();
      const model = sequential([dense(64, { inputShape: [12], activation: 'relu' }), dense(64, { activation: 'relu' }), dense(4, { activation: 'softmax' })]);
      const optimizer = tf.train.adam(0);
      const trainer = createTrainer({ optimizer, plugins: [attach(xs.slice(0, 32))], model });
      try {
        for (let step = 0; step < 40; step++) {
          (optimizer as unknown as { learningRate: number }).learningRate = 1e-3 * ((step + 1) / 100);
          await trainer.step(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar);
        }
      } finally {
        trainer.dispose();
        optimizer.dispose();
        model.dispose();
        tf.dispose([xs, ys]);
      }
    },
  },
  {
    id: 'tiny-init-adam',
    regression: true,
    description: 'Dense(64, relu) → Dense(2, softmax) with kernels N(0, 1e-3²) "to be safe", "adam": the first step moves every weight by about its own size, then the weights have grown and the loss falls',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([256, 12], 0, 1, 'float32', 511);
      const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(tf.slice(xs, [0, 0], [256, 3]), 1), 0), 'int32'), 2).toFloat());
      const kernelInitializer = tf.initializers.randomNormal({ stddev: 1e-3 });
      const model = sequential([dense(64, { inputShape: [12], activation: 'relu', kernelInitializer }), dense(2, { activation: 'softmax', kernelInitializer })]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'regression-outliers-batch-8',
    description: 'regression whose targets hold 2 % outliers (+60), Dense(32, relu) → Dense(1), "adam", MSE, batch 8: gradient spikes at the outlier batches',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([256, 6], 0, 1, 'float32', 501);
      const ys = tf.tidy(() => {
        const clean = tf.matMul(xs, tf.randomNormal([6, 1], 0, 0.5, 'float32', 502));
        return tf.add(clean, tf.mul(tf.cast(tf.less(tf.randomUniform([256, 1], 0, 1, 'float32', 503), 0.02), 'float32'), 60));
      });
      const model = sequential([dense(32, { inputShape: [6], activation: 'relu' }), dense(1)]);
      return fitWith(attach, model, 'adam', 'meanSquaredError', xs, ys, { epochs: 2, batchSize: 8 });
    },
  },
  {
    id: 'bn-mlp-sgd-lr-1',
    description: '4 × (Dense(64, no bias) → BatchNorm → ReLU) → Dense(4, softmax), SGD at 1 (batch norm makes the kernels scale-invariant, large rates train)',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([256, 12], 0, 1, 'float32', 521);
      const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.floor(tf.mul(tf.sigmoid(tf.sum(tf.slice(xs, [0, 0], [256, 4]), 1)), 3.999)), 'int32'), 4).toFloat());
      const block = (first: boolean) => [dense(64, { useBias: false, ...(first ? { inputShape: [12] } : {}) }), tf.layers.batchNormalization(), tf.layers.activation({ activation: 'relu' })];
      const model = sequential([...block(true), ...block(false), ...block(false), ...block(false), dense(4, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.sgd(1), 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'zero-init-head-sgd',
    description: 'zero-initialized output layer (common practice): Dense(64, relu) ×3 → Dense(5, softmax, kernel zeros), SGD 0.05',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([256, 10], 0, 1, 'float32', 531);
      const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.floor(tf.mul(tf.sigmoid(tf.sum(tf.slice(xs, [0, 0], [256, 3]), 1)), 4.999)), 'int32'), 5).toFloat());
      const model = sequential([dense(64, { inputShape: [10], activation: 'relu' }), dense(64, { activation: 'relu' }), dense(64, { activation: 'relu' }), dense(5, { activation: 'softmax', kernelInitializer: 'zeros' })]);
      return fitWith(attach, model, tf.train.sgd(0.05), 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'relu-output-counts',
    description: 'Dense(32, relu) → Dense(1, relu) predicting non-negative counts with MSE, "adam" (a ReLU head)',
    verdict: 'healthy',
    run: (attach) => {
      const xs = tf.randomNormal([256, 6], 0, 1, 'float32', 541);
      const ys = tf.tidy(() => tf.relu(tf.add(1, tf.matMul(xs, tf.randomNormal([6, 1], 0, 0.7, 'float32', 542)))));
      const model = sequential([dense(32, { inputShape: [6], activation: 'relu' }), dense(1, { activation: 'relu' })]);
      return fitWith(attach, model, 'adam', 'meanSquaredError', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
];

/** Broken: the verdict, layer and source a correct monitor names. */
export const ADVERSARIAL_BROKEN: readonly AdversarialEntry[] = [
  {
    id: 'sigmoid-normal-std4',
    remedy: 'xavierInit',
    description: '5 × Dense(64, sigmoid, randomNormal stddev 4) → Dense(3, softmax), "sgd": pre-activations ≈ ±18, the first layer is saturated',
    verdict: 'saturated',
    layer: 'sig0',
    run: (attach) => {
      const { xs, ys, labels } = blobs(128, 20, 3, 301);
      labels.dispose();
      const layer = { activation: 'sigmoid' as const, kernelInitializer: tf.initializers.randomNormal({ stddev: 4 }) };
      const model = sequential([dense(64, { inputShape: [20], name: 'sig0', ...layer }), ...Array.from({ length: 4 }, (_, i) => dense(64, { name: `sig${i + 1}`, ...layer })), dense(3, { activation: 'softmax' })]);
      return fitWith(attach, model, 'sgd', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'relu-variance-scaling-16',
    remedy: 'heInit',
    description: '8 × Dense(64, relu, varianceScaling scale 16 = 8× He): every layer amplifies 2.8×, SGD 0.01, MSE',
    verdict: ['exploding', 'non-finite'],
    layer: 'wide0',
    run: (attach) => {
      const { xs, ys } = smoothRegression(128, 10, 311);
      const layer = { activation: 'relu' as const, kernelInitializer: tf.initializers.varianceScaling({ scale: 16, mode: 'fanIn', distribution: 'normal' }) };
      const model = sequential([dense(64, { inputShape: [10], name: 'wide0', ...layer }), ...Array.from({ length: 7 }, (_, i) => dense(64, { name: `wide${i + 1}`, ...layer })), dense(1)]);
      return fitWith(attach, model, tf.train.sgd(0.01), 'meanSquaredError', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'rmsprop-lr-1',
    remedy: 'lowerLearningRate',
    description: 'Dense(64, relu) ×2 → Dense(5, softmax) (defaults), tf.train.rmsprop(1): every step moves each weight by ≈ 1',
    verdict: 'learning rate too high',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 12, 5, 321);
      labels.dispose();
      const model = sequential([dense(64, { inputShape: [12], activation: 'relu' }), dense(64, { activation: 'relu' }), dense(5, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.rmsprop(1), 'categoricalCrossentropy', xs, ys, { epochs: 2, batchSize: 32 });
    },
  },
  {
    id: 'momentum-lr-2',
    remedy: 'lowerLearningRate',
    description: 'Dense(64, tanh) ×3 → Dense(4, softmax), momentum 2/0.9: the steps overshoot',
    verdict: 'learning rate too high',
    run: (attach) => {
      const { xs, ys, labels } = blobs(256, 12, 4, 331);
      labels.dispose();
      const model = sequential([dense(64, { inputShape: [12], activation: 'tanh' }), dense(64, { activation: 'tanh' }), dense(64, { activation: 'tanh' }), dense(4, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.momentum(2, 0.9), 'categoricalCrossentropy', xs, ys, { epochs: 2, batchSize: 32 });
    },
  },
  {
    id: 'adagrad-lr-10',
    remedy: 'lowerLearningRate',
    description: 'Dense(32, relu) ×2 → Dense(1) regression, tf.train.adagrad(10): the first step moves every weight by ≈ 10',
    verdict: 'learning rate too high',
    run: (attach) => {
      const { xs, ys } = smoothRegression(256, 8, 341);
      const model = sequential([dense(32, { inputShape: [8], activation: 'relu' }), dense(32, { activation: 'relu' }), dense(1)]);
      return fitWith(attach, model, tf.train.adagrad(10), 'meanSquaredError', xs, ys, { epochs: 2, batchSize: 32 });
    },
  },
  {
    id: 'relu-zeros-kernel',
    remedy: 'heInit',
    description: '3 × Dense(32, relu, kernelInitializer "zeros") → Dense(4, softmax), "adam": every hidden unit outputs 0 and passes no gradient',
    verdict: 'dead units',
    layer: 'zero0',
    run: (attach) => {
      const { xs, ys, labels } = blobs(128, 10, 4, 351);
      labels.dispose();
      const layer = { activation: 'relu' as const, kernelInitializer: 'zeros' as const };
      const model = sequential([dense(32, { inputShape: [10], name: 'zero0', ...layer }), dense(32, { name: 'zero1', ...layer }), dense(32, { name: 'zero2', ...layer }), dense(4, { activation: 'softmax' })]);
      return fitWith(attach, model, 'adam', 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'compiled-custom-bce-log0',
    remedy: 'stableLoss',
    description: 'model.compile({loss: (y, p) => −mean(y·log p + (1−y)·log(1−p))}) with a sigmoid head and inputs ×30: p rounds to exactly 0 or 1, log(0) = −Inf',
    verdict: 'non-finite',
    source: 'loss',
    run: (attach) => {
      const { xs, labels, ys } = blobs(128, 6, 2, 361);
      ys.dispose();
      const scaled = tf.mul(xs, 30);
      xs.dispose();
      const targets = labels.reshape([128, 1]);
      labels.dispose();
      const model = sequential([dense(32, { inputShape: [6], activation: 'relu' }), dense(1, { activation: 'sigmoid' })]);
      const loss = (y: tf.Tensor, p: tf.Tensor) => tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))))));
      return fitWith(attach, model, 'adam', loss, scaled, targets, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'standardized-constant-column',
    remedy: 'cleanData',
    description: 'features standardized by hand, (x − mean) / std, with a constant column (std 0 → 0/0 = NaN in every row), Dense(16, relu) → Dense(1), fitDataset',
    verdict: 'non-finite',
    source: 'data',
    run: async (attach) => {
      const { xs: raw, ys } = smoothRegression(128, 5, 371);
      const withConstant = tf.concat([raw, tf.fill([128, 1], 7)], 1);
      const { mean, variance } = tf.moments(withConstant, 0);
      const xs = tf.div(tf.sub(withConstant, mean), tf.sqrt(variance));
      tf.dispose([raw, withConstant, mean, variance]);
      const model = sequential([dense(16, { inputShape: [6], activation: 'relu' }), dense(1)]);
      const probe = xs.slice(0, 32);
      const watcher = attach(probe);
      const optimizer = stabilize('adam', [watcher], { model });
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const dataset = tf.data.zip({ xs: tf.data.array((await xs.array()) as number[][]), ys: tf.data.array((await ys.array()) as number[][]) }).batch(32);
      try {
        await model.fitDataset(dataset, { epochs: 2, verbose: 0 });
      } finally {
        optimizer.dispose();
        model.dispose();
        tf.dispose([xs, ys, probe]);
      }
    },
  },
  {
    id: 'inf-ratio-feature-no-probe',
    remedy: 'cleanData',
    regression: true,
    description: 'a ratio feature x₁ / x₂ where some x₂ are 0 (Infinity in the inputs), Dense(16, relu) → Dense(1), "sgd", fit — monitored without a probe',
    verdict: 'non-finite',
    source: 'data',
    run: (attach) => {
      const { xs: raw, ys } = smoothRegression(128, 4, 381);
      const denominator = tf.tidy(() => tf.where(tf.less(tf.abs(tf.slice(raw, [0, 1], [128, 1])), 0.1), tf.zerosLike(tf.slice(raw, [0, 1], [128, 1])), tf.slice(raw, [0, 1], [128, 1])));
      const ratio = tf.div(tf.slice(raw, [0, 0], [128, 1]), denominator);
      const xs = tf.concat([raw, ratio], 1);
      tf.dispose([raw, denominator, ratio]);
      const model = sequential([dense(16, { inputShape: [5], activation: 'relu' }), dense(1)]);
      return fitWith(attach, model, 'sgd', 'meanSquaredError', xs, ys, { epochs: 2, batchSize: 128 }, { probe: false });
    },
  },
  {
    id: 'deep-sigmoid-rnn-stack',
    remedy: 'recurrentTanh',
    slow: true,
    description: '6 stacked SimpleRNN(16, sigmoid, returnSequences) over 20 steps → Dense(1), SGD 0.1: the gradient reaching the first RNN vanishes through the stack (≈ 5× less per layer)',
    verdict: 'vanishing',
    layer: 'rnn0',
    run: (attach) => {
      const { xs, ys } = sines(96, 20, 391);
      const model = sequential([
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', returnSequences: true, inputShape: [20, 1], name: 'rnn0' }),
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', returnSequences: true, name: 'rnn1' }),
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', returnSequences: true, name: 'rnn2' }),
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', returnSequences: true, name: 'rnn3' }),
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', returnSequences: true, name: 'rnn4' }),
        tf.layers.simpleRNN({ units: 16, activation: 'sigmoid', name: 'rnn5' }),
        dense(1),
      ]);
      return fitWith(attach, model, tf.train.sgd(0.1), 'meanSquaredError', xs, ys, { epochs: 5, batchSize: 32 });
    },
  },
  {
    id: 'adam-lr-1e-7',
    remedy: 'raiseLearningRate',
    description: 'Dense(64, relu) ×2 → Dense(5, softmax), tf.train.adam(1e-7), 40 steps: nothing moves',
    verdict: 'learning rate too low',
    run: (attach) => {
      const { xs, ys, labels } = blobs(320, 12, 5, 401);
      labels.dispose();
      const model = sequential([dense(64, { inputShape: [12], activation: 'relu' }), dense(64, { activation: 'relu' }), dense(5, { activation: 'softmax' })]);
      return fitWith(attach, model, tf.train.adam(1e-7), 'categoricalCrossentropy', xs, ys, { epochs: 4, batchSize: 32 });
    },
  },
  {
    id: 'conv-adam-lr-1',
    remedy: 'lowerLearningRate',
    slow: true,
    description: 'Conv2D(8, 3, relu) → MaxPool → Flatten → Dense(6, softmax), tf.train.adam(1)',
    verdict: 'learning rate too high',
    backends: NO_WASM,
    run: (attach) => {
      const { xs, ys } = bars(128, 6, 411);
      const model = sequential([
        tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        dense(6, { activation: 'softmax' }),
      ]);
      return fitWith(attach, model, tf.train.adam(1), 'categoricalCrossentropy', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
  {
    id: 'sgd-lr-1e-5-long',
    remedy: 'raiseLearningRate',
    regression: true,
    description: 'Dense(32, tanh) ×2 → Dense(1), tf.train.sgd(1e-5), 60 full-batch steps on a standardized target: the loss does not move',
    verdict: 'learning rate too low',
    run: (attach) => {
      const { xs, ys } = smoothRegression(128, 8, 421);
      const model = sequential([dense(32, { inputShape: [8], activation: 'tanh' }), dense(32, { activation: 'tanh' }), dense(1)]);
      return fitWith(attach, model, tf.train.sgd(1e-5), 'meanSquaredError', xs, ys, { epochs: 60, batchSize: 128 });
    },
  },
  {
    id: 'lstm-relu-recurrent-3',
    remedy: 'orthogonalInit',
    description: 'LSTM(16, activation relu, recurrentInitializer randomNormal stddev 3) over 30 steps → Dense(1), "adam": the cell state overflows inside the LSTM',
    verdict: ['exploding', 'non-finite'],
    layer: 'lstm',
    run: (attach) => {
      const { xs, ys } = sines(64, 30, 431);
      const model = sequential([
        tf.layers.lstm({ units: 16, activation: 'relu', recurrentInitializer: tf.initializers.randomNormal({ stddev: 3 }), inputShape: [30, 1], name: 'lstm' }),
        dense(1, { name: 'out' }),
      ]);
      return fitWith(attach, model, 'adam', 'meanSquaredError', tf.mul(xs, 3), ys, { epochs: 2, batchSize: 32 }).finally(() => xs.dispose());
    },
  },
  {
    id: 'relative-error-loss-div0',
    remedy: 'stableLoss',
    description: 'custom relative-error loss mean(|y − p| / y) on counts that include 0 (division by zero), Dense(16, relu) → Dense(1), "adam", fit',
    verdict: 'non-finite',
    source: 'loss',
    run: (attach) => {
      const { xs, ys: smooth } = smoothRegression(128, 5, 441);
      const counts = tf.tidy(() => tf.relu(tf.round(tf.mul(smooth, 2))));
      smooth.dispose();
      const model = sequential([dense(16, { inputShape: [5], activation: 'relu' }), dense(1)]);
      const loss = (y: tf.Tensor, p: tf.Tensor) => tf.mean(tf.div(tf.abs(tf.sub(y, p)), y));
      return fitWith(attach, model, 'adam', loss, xs, counts, { epochs: 2, batchSize: 32 });
    },
  },
  {
    id: 'tanh-raw-inputs',
    description: 'Dense(32, tanh) ×3 → Dense(1) on raw features in the hundreds (ages, incomes in $1000s), "sgd": the first layer saturates; the inputs, not the init, are the cause',
    verdict: 'saturated',
    layer: 'tanh0',
    remedy: 'standardizeInputs',
    run: (attach) => {
      const { xs: standard, ys } = smoothRegression(128, 6, 451);
      const xs = tf.tidy(() => tf.add(tf.mul(standard, 40), 200));
      standard.dispose();
      const model = sequential([dense(32, { inputShape: [6], activation: 'tanh', name: 'tanh0' }), dense(32, { activation: 'tanh', name: 'tanh1' }), dense(32, { activation: 'tanh', name: 'tanh2' }), dense(1)]);
      return fitWith(attach, model, 'sgd', 'meanSquaredError', xs, ys, { epochs: 3, batchSize: 32 });
    },
  },
];

export const ADVERSARIAL: readonly AdversarialEntry[] = [...ADVERSARIAL_HEALTHY, ...ADVERSARIAL_BROKEN];
