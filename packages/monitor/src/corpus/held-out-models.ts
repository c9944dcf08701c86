// The held-out set: models written the way tfjs users write them (after tfjs-examples and typical
// StackOverflow programs) — tfjs's default initializers, optimizers at their usual rates, trained
// with `model.fit`, `fitDataset` or a custom loop — that the detectors were NOT tuned on. Healthy
// ones must raise no event at all; broken ones must get the verdict a correct monitor reaches.
// Layers keep tfjs's default initializers: the runner seeds Math.random (which tfjs's unseeded
// initializers, dropout and fit's shuffling draw from), so every run is reproducible without a
// seed in the models. Layers are named only where an expectation names one. Test-only.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '@gs/core';
import type { BackendName } from '@gs/backends';
import { seededRandom } from '@gs/testing';
import type { ExpectedSource, ExpectedVerdict } from './corpus-models.js';

/** Inputs and targets (one target tensor per output). */
export interface HeldOutData {
  xs: tf.Tensor;
  ys: tf.Tensor | tf.Tensor[];
}

/** How the model is trained. */
export type HeldOutTraining =
  | { how: 'fit'; epochs: number; batchSize?: number }
  | { how: 'fitDataset'; epochs: number; batchSize: number }
  | {
      how: 'loop';
      steps: number;
      /** The loss of one full batch. */
      loss: (ys: tf.Tensor, predictions: tf.Tensor) => tf.Scalar;
      /** Called before each step with the step index and the bare optimizer (e.g. to decay its rate). */
      beforeStep?: (step: number, optimizer: tf.Optimizer) => void;
    };

/** One held-out model, its training and what a correct monitor says. */
export interface HeldOutEntry {
  /** Short id for test names and the README table. */
  id: string;
  /** What it is and where its style comes from. */
  description: string;
  /** The verdict (broken entries may accept more than one, e.g. an overflow seen as exploding or as NaN). */
  verdict: ExpectedVerdict | readonly ExpectedVerdict[];
  /** The layer the verdict must name. */
  layer?: string;
  /** For non-finite verdicts: where the first NaN/Inf came from. */
  source?: ExpectedSource;
  /** Builds the (uncompiled) model; may train a part of it first (transfer learning). */
  build(): tf.LayersModel | Promise<tf.LayersModel>;
  /** The data (seeded). */
  data(): HeldOutData;
  /** The optimizer, as a user passes it to compile (a tfjs name or an instance). */
  optimizer: () => tf.Optimizer | OptimizerName;
  /** The compiled loss (`fit`/`fitDataset`); a loop passes its own. */
  loss?: string | string[] | ((ys: tf.Tensor, predictions: tf.Tensor) => tf.Scalar);
  /** How it trains. */
  training: HeldOutTraining;
  /** Backends that can train it (wasm has no Conv2DBackpropFilter and no UnsortedSegmentSum). */
  backends?: readonly BackendName[];
}

const NO_WASM: readonly BackendName[] = ['cpu', 'webgpu'];

/** Housing-like regression: 13 standardized features; targets `center ± spread`, a smooth nonlinear function. */
function housing(options: { samples?: number; center?: number; spread?: number; featureScale?: number; seed?: number } = {}): HeldOutData {
  const { samples = 256, center = 22, spread = 8, featureScale = 1, seed = 1 } = options;
  return tf.tidy(() => {
    const features = tf.randomNormal([samples, 13], 0, 1, 'float32', seed);
    const weights = tf.randomNormal([13, 1], 0, 1, 'float32', seed + 1);
    const signal = tf.add(tf.matMul(features, weights), tf.mul(0.5, tf.sum(tf.square(tf.slice(features, [0, 0], [samples, 3])), 1, true)));
    const { mean, variance } = tf.moments(signal);
    const ys = tf.add(center, tf.mul(spread, tf.div(tf.sub(signal, mean), tf.sqrt(variance))));
    // Raw (unstandardized) features: positive, in the thousands (areas, incomes).
    const xs = featureScale === 1 ? features : tf.mul(tf.add(tf.abs(features), 1), featureScale);
    return { xs, ys };
  });
}

/** Iris-like: 4 raw measurements in centimetres (not standardized), 3 classes, one-hot. */
function irisLike(samples = 120, seed = 3): HeldOutData {
  return tf.tidy(() => {
    const centers = tf.tensor2d([
      [5.0, 3.4, 1.5, 0.2],
      [5.9, 2.8, 4.3, 1.3],
      [6.6, 3.0, 5.6, 2.0],
    ]);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed), 3)), 'int32');
    const xs = tf.add(tf.gather(centers, labels), tf.randomNormal([samples, 4], 0, 0.35, 'float32', seed + 1));
    return { xs, ys: tf.oneHot(labels, 3).toFloat() };
  });
}

/** MNIST-like 12×12 grey images in [0, 1]: class k lights a 3×3 patch at one of 10 places, plus noise. */
function digitsLike(samples = 64, seed = 5): HeldOutData {
  return tf.tidy(() => {
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed), 10)), 'int32');
    const templates = tf.stack(
      Array.from({ length: 10 }, (_, k) => {
        const row = 1 + 4 * Math.floor(k / 3.5);
        const column = 1 + ((3 * k) % 9);
        return tf.pad(tf.ones([3, 3]), [
          [row, 12 - 3 - row],
          [column, 12 - 3 - column],
        ]);
      }),
    );
    const noise = tf.randomUniform([samples, 12, 12], 0, 0.3, 'float32', seed + 1);
    const xs = tf.expandDims(tf.clipByValue(tf.add(tf.gather(templates, labels), noise), 0, 1), -1);
    return { xs, ys: tf.oneHot(labels, 10).toFloat() };
  });
}

/** tfjs-examples addition-rnn: "ab+cd" → "sum" as one-hot characters (vocabulary "0123456789+ "). */
function additionLike(samples = 64, seed = 7): HeldOutData {
  const chars = '0123456789+ ';
  const random = seededRandom(seed);
  const encode = (text: string) => [...text].map((char) => chars.indexOf(char));
  const questions: number[][] = [];
  const answers: number[][] = [];
  for (let i = 0; i < samples; i++) {
    const a = Math.floor(random() * 100);
    const b = Math.floor(random() * 100);
    questions.push(encode(`${a}+${b}`.padEnd(5)));
    answers.push(encode(String(a + b).padEnd(3)));
  }
  return tf.tidy(() => ({
    xs: tf.oneHot(tf.tensor2d(questions, undefined, 'int32'), chars.length).toFloat(),
    ys: tf.oneHot(tf.tensor2d(answers, undefined, 'int32'), chars.length).toFloat(),
  }));
}

/** Sentiment-like: 12 word ids out of 100; positive when words < 50 outnumber the others. */
function reviewsLike(samples = 64, seed = 9): HeldOutData {
  return tf.tidy(() => {
    const words = tf.floor(tf.randomUniform([samples, 12], 0, 100, 'float32', seed));
    const positive = tf.cast(tf.greater(tf.sum(tf.cast(tf.less(words, 50), 'float32'), 1, true), 6), 'float32');
    return { xs: words, ys: positive };
  });
}

/** Signals [samples, 32, 1]: a sine (class 0) or a square wave (class 1) with random phase and noise. */
function signalsLike(samples = 64, seed = 11): HeldOutData {
  return tf.tidy(() => {
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed), 2)), 'int32');
    const phase = tf.randomUniform([samples, 1], 0, 2 * Math.PI, 'float32', seed + 1);
    const sine = tf.sin(tf.add(tf.mul(tf.range(0, 32).reshape([1, 32]), 0.4), phase));
    const square = tf.sign(sine);
    const wave = tf.where(tf.cast(tf.reshape(labels, [samples, 1]), 'bool').tile([1, 32]), square, sine);
    const xs = tf.expandDims(tf.add(wave, tf.randomNormal([samples, 32], 0, 0.2, 'float32', seed + 2)), -1);
    return { xs, ys: tf.oneHot(labels, 2).toFloat() };
  });
}

/** Classification with `features` standardized inputs and `classes` classes (Gaussian blobs). */
function blobs(samples: number, features: number, classes: number, seed = 13): HeldOutData {
  return tf.tidy(() => {
    const centers = tf.randomNormal([classes, features], 0, 1, 'float32', seed);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed + 1), classes)), 'int32');
    const xs = tf.add(tf.gather(centers, labels), tf.randomNormal([samples, features], 0, 0.7, 'float32', seed + 2));
    return { xs, ys: tf.oneHot(labels, classes).toFloat() };
  });
}

/** Images that live on 8 latent factors, 64 pixels in [0, 1] (for the autoencoder). */
function lowRankImages(samples = 128, seed = 15): HeldOutData {
  return tf.tidy(() => {
    const codes = tf.randomNormal([samples, 8], 0, 1, 'float32', seed);
    const basis = tf.randomNormal([8, 64], 0, 0.6, 'float32', seed + 1);
    const xs = tf.sigmoid(tf.matMul(codes, basis));
    return { xs, ys: xs.clone() };
  });
}


/** Sequential MLP: `hidden` Dense layers of `units` with `activation` (other Dense options as given), then a head. */
function mlp(options: {
  inputs: number;
  hidden: number;
  units: number;
  activation?: string;
  outputs?: number;
  outputActivation?: string;
  layer?: Partial<Parameters<typeof tf.layers.dense>[0]>;
  names?: boolean;
}): tf.Sequential {
  const { inputs, hidden, units, activation = 'relu', outputs = 1, outputActivation, layer = {}, names = false } = options;
  const model = tf.sequential();
  for (let i = 0; i < hidden; i++) {
    model.add(
      tf.layers.dense({
        units,
        activation: activation as 'relu',
        ...layer,
        ...(i === 0 ? { inputShape: [inputs] } : {}),
        ...(names ? { name: `dense${i}` } : {}),
      }),
    );
  }
  model.add(tf.layers.dense({ units: outputs, ...(outputActivation ? { activation: outputActivation as 'softmax' } : {}), ...(names ? { name: 'head' } : {}) }));
  return model;
}

/** The same small classifier trained with each optimizer at its usual rate. */
function optimizerEntry(id: string, optimizer: () => tf.Optimizer | OptimizerName, rate: string): HeldOutEntry {
  return {
    id: `optimizer-${id}`,
    description: `3-layer ReLU classifier (defaults), 10 classes, ${rate}, fit batch 32`,
    verdict: 'healthy',
    build: () => mlp({ inputs: 20, hidden: 2, units: 64, outputs: 10, outputActivation: 'softmax' }),
    data: () => blobs(256, 20, 10),
    optimizer,
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  };
}

/** Healthy held-out models: no event at all. */
export const HELD_OUT_HEALTHY: readonly HeldOutEntry[] = [
  {
    id: 'boston-sigmoid-sgd',
    description: 'tfjs-examples boston-housing "2 hidden layers": 13 standardized features, raw targets 5–50, Dense(50, sigmoid, leCunNormal) ×2, SGD 0.01, MSE',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 2, units: 50, activation: 'sigmoid', layer: { kernelInitializer: 'leCunNormal' } }),
    data: () => housing(),
    optimizer: () => tf.train.sgd(0.01),
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 40 },
  },
  {
    id: 'prices-in-thousands-adam',
    description: 'house prices in $1000s (targets ≈ 3000 ± 1000) with standardized features, Dense(64, relu) ×2, "adam", MSE: gradients ≈ 1e4 but Adam is scale-invariant and the loss falls',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 2, units: 64 }),
    data: () => housing({ center: 3000, spread: 1000 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'iris-adam',
    description: 'tfjs-examples iris: 4 raw measurements (cm), Dense(10, sigmoid) → Dense(3, softmax), Adam 0.01, categorical cross-entropy',
    verdict: 'healthy',
    build: () => mlp({ inputs: 4, hidden: 1, units: 10, activation: 'sigmoid', outputs: 3, outputActivation: 'softmax' }),
    data: () => irisLike(),
    optimizer: () => tf.train.adam(0.01),
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 8 },
  },
  {
    id: 'mnist-conv-rmsprop',
    description: 'tfjs-examples mnist conv net on 12×12 digits: Conv2D(8, 3, relu) → MaxPool → Conv2D(16, 3, relu) → Flatten → Dense(10, softmax), "rmsprop"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [12, 12, 1], kernelSize: 3, filters: 8, activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ kernelSize: 3, filters: 16, activation: 'relu' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    data: () => digitsLike(),
    optimizer: () => 'rmsprop',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
    backends: NO_WASM,
  },
  {
    id: 'addition-rnn-lstm',
    description: 'tfjs-examples addition-rnn: LSTM(32) → RepeatVector(3) → LSTM(32, returnSequences) → TimeDistributed(Dense(12, softmax)), "adam"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.lstm({ units: 32, inputShape: [5, 12] }),
          tf.layers.repeatVector({ n: 3 }),
          tf.layers.lstm({ units: 32, returnSequences: true }),
          tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 12, activation: 'softmax' }) }),
        ],
      }),
    data: () => additionLike(),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'sentiment-embedding-bilstm',
    description: 'sentiment: Embedding(100, 16) → Bidirectional(LSTM(8)) → Dense(1, sigmoid), "adam", binary cross-entropy',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 100, outputDim: 16, inputLength: 12 }),
          tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8 }) as tf.layers.RNN }),
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
    data: () => reviewsLike(),
    optimizer: () => 'adam',
    loss: 'binaryCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
    backends: NO_WASM,
  },
  {
    id: 'sentiment-embedding-gru-fitdataset',
    description: 'sentiment with tf.data: Embedding(100, 16) → GRU(16) → Dense(1, sigmoid), "rmsprop", trained with fitDataset',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.embedding({ inputDim: 100, outputDim: 16, inputLength: 12 }),
          tf.layers.gru({ units: 16 }),
          tf.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      }),
    data: () => reviewsLike(64, 19),
    optimizer: () => 'rmsprop',
    loss: 'binaryCrossentropy',
    training: { how: 'fitDataset', epochs: 3, batchSize: 32 },
    backends: NO_WASM,
  },
  {
    id: 'autoencoder-sigmoid-output',
    description: 'dense autoencoder 64 → 32 → 8 → 32 → 64 (relu, sigmoid output), "adam", binary cross-entropy',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 32, activation: 'relu', inputShape: [64] }),
          tf.layers.dense({ units: 8, activation: 'relu' }),
          tf.layers.dense({ units: 32, activation: 'relu' }),
          tf.layers.dense({ units: 64, activation: 'sigmoid' }),
        ],
      }),
    data: () => lowRankImages(),
    optimizer: () => 'adam',
    loss: 'binaryCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'multi-output-functional',
    description: 'functional model with two heads (price: MSE, category: softmax cross-entropy) on a shared ReLU trunk, "adam"',
    verdict: 'healthy',
    build: () => {
      const input = tf.input({ shape: [10] });
      let x = tf.layers.dense({ units: 32, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
      x = tf.layers.dense({ units: 32, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
      const price = tf.layers.dense({ units: 1, name: 'price' }).apply(x) as tf.SymbolicTensor;
      const category = tf.layers.dense({ units: 3, activation: 'softmax', name: 'category' }).apply(x) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: [price, category] });
    },
    data: () => {
      const { xs, ys } = blobs(192, 10, 3, 21);
      const price = tf.tidy(() => tf.add(tf.sum(tf.slice(xs, [0, 0], [192, 3]), 1, true), 5));
      return { xs, ys: [price, ys as tf.Tensor] };
    },
    optimizer: () => 'adam',
    loss: ['meanSquaredError', 'categoricalCrossentropy'],
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'dropout-mlp',
    description: 'Dense(128, relu) → Dropout(0.5) → Dense(64, relu) → Dropout(0.5) → Dense(5, softmax), "adam"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 128, activation: 'relu', inputShape: [20] }),
          tf.layers.dropout({ rate: 0.5 }),
          tf.layers.dense({ units: 64, activation: 'relu' }),
          tf.layers.dropout({ rate: 0.5 }),
          tf.layers.dense({ units: 5, activation: 'softmax' }),
        ],
      }),
    data: () => blobs(192, 20, 5, 23),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'selu-lecun-deep',
    description: 'self-normalizing MLP: 8 × Dense(64, selu, leCunNormal), "adam", MSE on housing-like data',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 8, units: 64, activation: 'selu', layer: { kernelInitializer: 'leCunNormal' } }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'elu-he-deep',
    description: '6 × Dense(64, elu, heNormal), SGD with momentum 0.01/0.9, MSE',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 6, units: 64, activation: 'elu', layer: { kernelInitializer: 'heNormal' } }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => tf.train.momentum(0.01, 0.9),
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'leaky-relu-layers',
    description: '4 × (Dense(64) → LeakyReLU(0.2)) with default Glorot kernels, "adam", softmax head',
    verdict: 'healthy',
    build: () => {
      const model = tf.sequential();
      for (let i = 0; i < 4; i++) {
        model.add(tf.layers.dense({ units: 64, ...(i === 0 ? { inputShape: [20] } : {}) }));
        model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
      }
      model.add(tf.layers.dense({ units: 5, activation: 'softmax' }));
      return model;
    },
    data: () => blobs(192, 20, 5, 25),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'swish-gelu-softplus',
    description: 'Dense(64, swish) → Dense(64, gelu) → Dense(64, softplus) → Dense(64, mish), default Glorot, "adam"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ units: 64, activation: 'swish', inputShape: [13] }),
          tf.layers.dense({ units: 64, activation: 'gelu' }),
          tf.layers.dense({ units: 64, activation: 'softplus' }),
          tf.layers.dense({ units: 64, activation: 'mish' }),
          tf.layers.dense({ units: 1 }),
        ],
      }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'conv1d-signals',
    description: 'Conv1D(16, 5, relu) → MaxPool1D → Conv1D(16, 3, relu) → GlobalAveragePooling1D → Dense(2, softmax), "adam"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.conv1d({ filters: 16, kernelSize: 5, activation: 'relu', inputShape: [32, 1] }),
          tf.layers.maxPooling1d({ poolSize: 2 }),
          tf.layers.conv1d({ filters: 16, kernelSize: 3, activation: 'relu' }),
          tf.layers.globalAveragePooling1d(),
          tf.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      }),
    data: () => signalsLike(),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 4, batchSize: 32 },
    backends: NO_WASM,
  },
  {
    id: 'separable-depthwise-conv',
    description: 'SeparableConv2D(8, 3, relu) → DepthwiseConv2D(3, relu) → GlobalAveragePooling2D → Dense(10, softmax), "adam"',
    verdict: 'healthy',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.separableConv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
          tf.layers.depthwiseConv2d({ kernelSize: 3, activation: 'relu' }),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      }),
    data: () => digitsLike(64, 27),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
    backends: NO_WASM,
  },
  {
    id: 'l2-regularized',
    description: '3 × Dense(64, relu, kernelRegularizer l2(0.01)) on raw-target housing data, "adam"',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 3, units: 64, layer: { kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) } }),
    data: () => housing(),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'transfer-frozen-base',
    description: 'transfer learning: a 3-layer ReLU base trained on task A, frozen (trainable = false), then a new Dense(32) → Dense(4, softmax) head trained on task B with "adam"',
    verdict: 'healthy',
    build: async () => {
      const base = mlp({ inputs: 20, hidden: 3, units: 64, outputs: 10, outputActivation: 'softmax' });
      base.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const { xs, ys } = blobs(256, 20, 10, 29);
      await base.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0 });
      tf.dispose([xs, ys as tf.Tensor]);
      base.optimizer.dispose();
      base.layers.forEach((layer) => (layer.trainable = false));
      const features = base.layers[2]!.output as tf.SymbolicTensor;
      const hidden = tf.layers.dense({ units: 32, activation: 'relu' }).apply(features) as tf.SymbolicTensor;
      const output = tf.layers.dense({ units: 4, activation: 'softmax' }).apply(hidden) as tf.SymbolicTensor;
      return tf.model({ inputs: base.inputs, outputs: output });
    },
    data: () => blobs(192, 20, 4, 31),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'batch-size-1',
    description: 'Dense(16, relu) → Dense(1) on housing-like data (raw targets), SGD 0.001, batch size 1: noisy per-example gradients',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 1, units: 16 }),
    data: () => housing({ samples: 40 }),
    optimizer: () => tf.train.sgd(0.001),
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 1, batchSize: 1 },
  },
  {
    id: 'large-batch-2048',
    description: 'Dense(64, relu) ×2 → Dense(5, softmax), one batch of 2048 per step, "adam", 6 epochs',
    verdict: 'healthy',
    build: () => mlp({ inputs: 20, hidden: 2, units: 64, outputs: 5, outputActivation: 'softmax' }),
    data: () => blobs(2048, 20, 5, 33),
    optimizer: () => 'adam',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 6, batchSize: 2048 },
  },
  optimizerEntry('sgd', () => 'sgd', 'SGD ("sgd", 0.01)'),
  optimizerEntry('momentum', () => tf.train.momentum(0.01, 0.9), 'momentum 0.01 / 0.9'),
  optimizerEntry('rmsprop', () => 'rmsprop', 'RMSProp ("rmsprop", 0.001)'),
  optimizerEntry('adagrad', () => 'adagrad', 'Adagrad ("adagrad", 0.01)'),
  optimizerEntry('adadelta', () => tf.train.adadelta(1), 'Adadelta at 1.0 (the paper\'s and Keras 2\'s setting)'),
  optimizerEntry('adamax', () => 'adamax', 'Adamax ("adamax", 0.002)'),
  optimizerEntry('adam', () => 'adam', 'Adam ("adam", 0.001)'),
  {
    id: 'converges-to-zero',
    description: 'tfjs "getting started": Dense(1, inputShape [1]) on y = 2x − 1 (6 points), "sgd", MSE, 250 epochs: the loss goes to ≈ 0 and the gradients with it',
    verdict: 'healthy',
    build: () => tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }),
    data: () => ({ xs: tf.tensor2d([-1, 0, 1, 2, 3, 4], [6, 1]), ys: tf.tensor2d([-3, -1, 1, 3, 5, 7], [6, 1]) }),
    optimizer: () => 'sgd',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 250 },
  },
  {
    id: 'deep-linear-exact-fit',
    description: 'Dense(16) → Dense(16) → Dense(1) (no activation) fitting an exactly linear target, SGD 0.05, 50 full-batch epochs: loss → ≈ 1e-10',
    verdict: 'healthy',
    build: () => mlp({ inputs: 4, hidden: 2, units: 16, activation: 'linear' }),
    data: () =>
      tf.tidy(() => {
        const xs = tf.randomNormal([64, 4], 0, 1, 'float32', 35);
        return { xs, ys: tf.add(tf.matMul(xs, tf.tensor2d([[0.5], [-1], [0.25], [2]])), 0.3) };
      }),
    optimizer: () => tf.train.sgd(0.05),
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 50, batchSize: 64 },
  },
  {
    id: 'step-decay-custom-loop',
    description: 'custom loop (createTrainer): Dense(64, relu) ×2 classifier, SGD 0.1 divided by 10 at steps 10 and 20 (the classic step schedule), 30 steps',
    verdict: 'healthy',
    build: () => mlp({ inputs: 20, hidden: 2, units: 64, outputs: 5 }),
    data: () => blobs(256, 20, 5, 37),
    optimizer: () => tf.train.sgd(0.1),
    training: {
      how: 'loop',
      steps: 30,
      loss: (ys, logits) => tf.losses.softmaxCrossEntropy(ys, logits) as tf.Scalar,
      beforeStep: (step, optimizer) => {
        if (step === 10 || step === 20) (optimizer as tf.SGDOptimizer).setLearningRate((optimizer as tf.SGDOptimizer).getConfig().learningRate as number / 10);
      },
    },
  },
  {
    id: 'wide-shallow',
    description: 'one very wide hidden layer: Dense(2048, relu) → Dense(1), "adam", housing-like standardized targets',
    verdict: 'healthy',
    build: () => mlp({ inputs: 13, hidden: 1, units: 2048 }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 64 },
  },
];

/** Broken held-out models, each with the verdict a correct monitor reaches. */
export const HELD_OUT_BROKEN: readonly HeldOutEntry[] = [
  {
    id: 'sigmoid-15-layers-adam',
    description: '15 × Dense(32, sigmoid) with the default Glorot init, "adam", MSE: the classic vanishing-gradient net',
    verdict: 'vanishing',
    layer: 'dense0',
    build: () => mlp({ inputs: 13, hidden: 15, units: 32, activation: 'sigmoid', names: true }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'tanh-normal-std2',
    description: '6 × Dense(64, tanh) with kernels N(0, 2²) (randomNormal stddev 2), "sgd": pre-activations far in the flat part',
    verdict: 'saturated',
    layer: 'dense0',
    build: () => mlp({ inputs: 13, hidden: 6, units: 64, activation: 'tanh', layer: { kernelInitializer: tf.initializers.randomNormal({ stddev: 2 }) }, names: true }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'sgd',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  },
  {
    id: 'relu-adam-lr-10',
    description: '4 × Dense(64, relu) (defaults) trained with tf.train.adam(10): every step moves every weight by ≈ 10',
    verdict: 'learning rate too high',
    build: () => mlp({ inputs: 20, hidden: 4, units: 64, outputs: 5, outputActivation: 'softmax', names: true }),
    data: () => blobs(192, 20, 5, 41),
    optimizer: () => tf.train.adam(10),
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  },
  {
    id: 'simple-rnn-relu-recurrent-normal',
    description: 'SimpleRNN(32, relu) with recurrentInitializer randomNormal(0, 1) over 50 steps → Dense(1), "adam": the hidden state blows up inside the RNN',
    verdict: ['exploding', 'non-finite'],
    layer: 'rnn',
    build: () =>
      tf.sequential({
        layers: [
          tf.layers.simpleRNN({ units: 32, activation: 'relu', recurrentInitializer: tf.initializers.randomNormal({ stddev: 1 }), inputShape: [50, 4], name: 'rnn' }),
          tf.layers.dense({ units: 1, name: 'head' }),
        ],
      }),
    data: () =>
      tf.tidy(() => {
        const xs = tf.randomNormal([64, 50, 4], 0, 1, 'float32', 43);
        return { xs, ys: tf.mean(tf.slice(xs, [0, 0, 0], [64, 50, 1]), 1) };
      }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  },
  {
    id: 'nan-in-labels-only',
    description: 'housing regression whose targets contain one NaN (a missing label), inputs clean, "adam", MSE',
    verdict: 'non-finite',
    source: 'data',
    build: () => mlp({ inputs: 13, hidden: 2, units: 32, names: true }),
    data: () => {
      const { xs, ys } = housing({ samples: 64 });
      const withNaN = tf.tidy(() => tf.where(tf.equal(tf.range(0, 64).reshape([64, 1]), 5), tf.fill([64, 1], Number.NaN), ys as tf.Tensor));
      (ys as tf.Tensor).dispose();
      return { xs, ys: withNaN };
    },
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 1, batchSize: 64 },
  },
  {
    id: 'unnormalized-features-sgd',
    description: 'housing regression with raw features in the thousands (areas, incomes ≈ 1e3–1e4), Dense(32, relu) → Dense(1), "sgd" 0.01, MSE: the first layer\'s gradients blow up',
    verdict: ['exploding', 'non-finite'],
    layer: 'dense0',
    build: () => mlp({ inputs: 13, hidden: 1, units: 32, names: true }),
    data: () => housing({ featureScale: 3000 }),
    optimizer: () => 'sgd',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 1, batchSize: 32 },
  },
  {
    id: 'elu-biases-minus-5',
    description: '6 × Dense(32, elu, heNormal) whose biases start at −5 (biasInitializer constant −5): every unit sits at elu ≈ −1, slope e⁻⁵',
    verdict: 'vanishing',
    layer: 'dense0',
    build: () => mlp({ inputs: 13, hidden: 6, units: 32, activation: 'elu', layer: { kernelInitializer: 'heNormal', biasInitializer: tf.initializers.constant({ value: -5 }) }, names: true }),
    data: () => housing({ center: 0, spread: 1 }),
    optimizer: () => 'adam',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 3, batchSize: 32 },
  },
  {
    id: 'relu-randomnormal-0.05-deep',
    description: '10 × Dense(64, relu, kernelInitializer "randomNormal" = N(0, 0.05²)): the signal shrinks ≈ 3.5× per layer, both ways; "sgd"',
    verdict: 'vanishing',
    layer: 'dense0',
    build: () => mlp({ inputs: 20, hidden: 10, units: 64, layer: { kernelInitializer: 'randomNormal' }, outputs: 5, outputActivation: 'softmax', names: true }),
    data: () => blobs(256, 20, 5, 45),
    optimizer: () => 'sgd',
    loss: 'categoricalCrossentropy',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  },
  {
    id: 'handwritten-cross-entropy',
    description: 'custom loop with −Σ y·log(softmax) written by hand, raw inputs ×100: softmax gives exact 0s, log(0)·0 = NaN',
    verdict: 'non-finite',
    source: 'loss',
    build: () => mlp({ inputs: 20, hidden: 1, units: 16, outputs: 5, outputActivation: 'softmax', names: true }),
    data: () => {
      const { xs, ys } = blobs(64, 20, 5, 47);
      const scaled = tf.mul(xs, 100);
      xs.dispose();
      return { xs: scaled, ys };
    },
    optimizer: () => tf.train.adam(),
    training: { how: 'loop', steps: 3, loss: (ys, p) => tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(p)), 1))) as tf.Scalar },
  },
  {
    id: 'prices-in-thousands-sgd',
    description: 'house prices in $1000s (targets ≈ 3000 ± 1000), Dense(64, relu) ×2, "sgd" 0.01, MSE: the first steps overshoot and the run diverges',
    verdict: ['exploding', 'learning rate too high'],
    build: () => mlp({ inputs: 13, hidden: 2, units: 64, names: true }),
    data: () => housing({ center: 3000, spread: 1000 }),
    optimizer: () => 'sgd',
    loss: 'meanSquaredError',
    training: { how: 'fit', epochs: 2, batchSize: 32 },
  },
];

/** Every held-out entry, healthy first. */
export const HELD_OUT: readonly HeldOutEntry[] = [...HELD_OUT_HEALTHY, ...HELD_OUT_BROKEN];
