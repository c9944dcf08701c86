import * as tf from '@tensorflow/tfjs';
import { orthogonal } from '@gs/initializers';
import { buildMlp } from '@gs/testing/bench';

/** A model with a fixed batch and its loss: what one benchmarked training step trains on. */
export interface BenchModel {
  model: tf.LayersModel;
  /** The training loss on the fixed batch (called inside `optimizer.minimize`). */
  loss: () => tf.Scalar;
  /** The trainable variables in `collectedTrainableWeights` order, as `fit` passes them. */
  variables: tf.Variable[];
  /** Frees the model and the batch. */
  dispose(): void;
}

/** A benchmark network: a name for the tables and a builder (every call gives the same weights). */
export interface BenchModelSpec {
  /** Shown in table titles, e.g. "20×256 ReLU MLP, batch 128". */
  title: string;
  /** Backends it can train on (the wasm backend has no Conv2DBackpropFilter). */
  backends: readonly string[];
  build(): BenchModel;
}

function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
}

function withBatch(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): BenchModel {
  return {
    model,
    variables: variablesOf(model),
    loss: () => tf.tidy(() => tf.mean(tf.metrics.categoricalCrossentropy(ys, model.apply(xs) as tf.Tensor)) as tf.Scalar),
    dispose() {
      model.dispose();
      tf.dispose([xs, ys]);
    },
  };
}

/**
 * One-hot float32 rows of random classes (a seeded linear congruential generator), made on the
 * host: tfjs 4.22's WebGPU backend miscompiles a transpose of a one-hot tensor cast from int32
 * (its WGSL reads the data as i32), which the LSTM's input transpose would hit.
 */
function oneHotBatch(shape: number[], classes: number, seed: number): tf.Tensor {
  const rows = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(rows * classes);
  let state = seed >>> 0;
  for (let row = 0; row < rows; row++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[row * classes + Math.floor((state / 2 ** 32) * classes)] = 1;
  }
  return tf.tensor(values, [...shape, classes], 'float32');
}

/**
 * The network of the table: `depth` hidden ReLU layers of `width` units (tfjs default
 * glorotNormal, seeded), 10 softmax outputs, a fixed N(0, 1) batch of `batch` examples.
 */
export function reluMlp({ depth = 20, width = 256, batch = 128 } = {}): BenchModelSpec {
  return {
    title: `${depth}×${width} ReLU MLP, batch ${batch}`,
    backends: ['cpu', 'wasm', 'webgpu'],
    build() {
      const model = buildMlp({ inputSize: width, depth, width, activation: 'relu', outputUnits: 10, outputActivation: 'softmax' });
      const xs = tf.randomNormal([batch, width], 0, 1, 'float32', 1);
      return withBatch(model, xs, oneHotBatch([batch], 10, 2));
    },
  };
}

/** Characters of the addition task: digits, '+' and the padding space. */
const ADDITION_VOCABULARY = 12;

/**
 * An LSTM sequence-to-sequence model shaped like tfjs-examples' addition-rnn: "123+456" (7
 * one-hot characters) → LSTM encoder → repeated for the 4 answer characters → LSTM decoder →
 * a softmax over the 12 characters at each position. Random one-hot batches of `batch` examples.
 */
export function additionRnn({ digits = 3, units = 128, batch = 128 } = {}): BenchModelSpec {
  const inputLength = 2 * digits + 1;
  const outputLength = digits + 1;
  return {
    title: `LSTM seq2seq (addition-rnn, ${units} units, ${digits} digits), batch ${batch}`,
    backends: ['cpu', 'wasm', 'webgpu'],
    build() {
      const model = tf.sequential();
      const recurrentInitializer = orthogonal({ seed: 3 });
      model.add(tf.layers.lstm({ units, recurrentInitializer, inputShape: [inputLength, ADDITION_VOCABULARY] }));
      model.add(tf.layers.repeatVector({ n: outputLength }));
      model.add(tf.layers.lstm({ units, recurrentInitializer, returnSequences: true }));
      model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: ADDITION_VOCABULARY, activation: 'softmax' }) }));
      const xs = oneHotBatch([batch, inputLength], ADDITION_VOCABULARY, 4);
      return withBatch(model, xs, oneHotBatch([batch, outputLength], ADDITION_VOCABULARY, 5));
    },
  };
}

/** A small conv net on 28×28 grey images: two conv + max-pool stages, a dense layer, 10 classes. */
export function smallConvNet({ batch = 64 } = {}): BenchModelSpec {
  return {
    title: `conv net (2 conv 3×3 + pool, dense 64) on 28×28, batch ${batch}`,
    backends: ['cpu', 'webgpu'],
    build() {
      const model = tf.sequential();
      model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], kernelInitializer: tf.initializers.heNormal({ seed: 6 }) }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 7 }) }));
      model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 8 }) }));
      model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotNormal({ seed: 9 }) }));
      const xs = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 10);
      return withBatch(model, xs, oneHotBatch([batch], 10, 11));
    },
  };
}
