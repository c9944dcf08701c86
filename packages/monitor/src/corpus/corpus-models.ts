// The diagnosis corpus: small models of every kind a user builds with plain tfjs layers (and this
// project's residual/normalization layers), each with the verdict a correct monitor must reach.
// Healthy models must raise no event at all from step 0; broken ones must get the expected
// verdict and name the expected layer. Test-only (excluded from the build).
import * as tf from '@tensorflow/tfjs';
import { groupNormalization } from '@gs/normalization';
import { residual, residualMlp } from '@gs/residual';
import type { BackendName } from '@gs/backends';

/** The verdicts `summary().diagnosis` can give. */
export type ExpectedVerdict =
  | 'healthy'
  | 'vanishing'
  | 'exploding'
  | 'non-finite'
  | 'saturated'
  | 'dead units'
  | 'learning rate too high'
  | 'learning rate too low';

/** Where a non-finite value came from. */
export type ExpectedSource = 'data' | 'loss' | 'forward' | 'backward' | 'update';

/** Training data of one entry: inputs, targets and a probe batch (a slice of the inputs). */
export interface CorpusData {
  xs: tf.Tensor;
  ys: tf.Tensor;
}

/** One model of the corpus with its training set-up and the verdict a correct monitor reaches. */
export interface CorpusEntry {
  /** Short id used in test names and the closing table. */
  id: string;
  /** What kind of model (MLP, functional with branches, conv, RNN, residual, normalization, transformer-like). */
  kind: 'mlp' | 'functional' | 'conv' | 'rnn' | 'residual' | 'normalization' | 'transformer';
  /** One line: the model and what (if anything) is wrong with it. */
  description: string;
  /** The verdict. */
  verdict: ExpectedVerdict;
  /** The layer the verdict must name (undefined: a global verdict, no single layer). */
  layer?: string;
  /** For non-finite verdicts: where the first NaN/Inf came from. */
  source?: ExpectedSource;
  /** Seeded model builder. */
  build(): tf.LayersModel;
  /** Seeded data. */
  data(): CorpusData;
  /** The optimizer (fresh each call). */
  optimizer(): tf.Optimizer;
  /** The loss of a batch. */
  loss(ys: tf.Tensor, predictions: tf.Tensor): tf.Scalar;
  /** Training steps (full batch). */
  steps: number;
  /** Backends that can train it (default all); wasm has no Conv2DBackpropFilter. */
  backends?: readonly BackendName[];
}

const mse = (ys: tf.Tensor, predictions: tf.Tensor) => tf.losses.meanSquaredError(ys, predictions) as tf.Scalar;
const crossEntropy = (ys: tf.Tensor, predictions: tf.Tensor) => tf.losses.softmaxCrossEntropy(ys, predictions) as tf.Scalar;
const NO_WASM: readonly BackendName[] = ['cpu', 'webgpu'];
const FEATURES = 16;
const SAMPLES = 64;

type Initializer = ReturnType<typeof tf.initializers.zeros>;
const he = (seed: number): Initializer => tf.initializers.heNormal({ seed });
const glorot = (seed: number): Initializer => tf.initializers.glorotNormal({ seed });
const normal = (stddev: number, seed: number): Initializer => tf.initializers.randomNormal({ mean: 0, stddev, seed });

/** Regression: x uniform in [-1, 1), y = Σ_j sin((j+1)·x_j) / √features. */
function regression(features = FEATURES, samples = SAMPLES, seed = 7): CorpusData {
  return tf.tidy(() => {
    const xs = tf.randomUniform([samples, features], -1, 1, 'float32', seed);
    const ys = tf.div(tf.sum(tf.sin(tf.mul(xs, tf.range(1, features + 1))), 1, true), Math.sqrt(features));
    return { xs, ys };
  });
}

/** Classification: `classes` Gaussian blobs, one-hot targets (logits are compared with softmaxCrossEntropy). */
function blobs(features = FEATURES, classes = 4, samples = SAMPLES, seed = 11): CorpusData {
  return tf.tidy(() => {
    const centers = tf.randomNormal([classes, features], 0, 1, 'float32', seed);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed + 1), classes)), 'int32');
    const xs = tf.add(tf.gather(centers, labels), tf.randomNormal([samples, features], 0, 0.5, 'float32', seed + 2));
    return { xs, ys: tf.oneHot(labels, classes).toFloat() };
  });
}

/** Sequences [samples, steps, features] ~ N(0, 1); target: the mean of the first feature over time. */
function sequences(steps: number, features = 4, samples = 32, seed = 13): CorpusData {
  return tf.tidy(() => {
    const xs = tf.randomNormal([samples, steps, features], 0, 1, 'float32', seed);
    const ys = tf.mean(tf.slice(xs, [0, 0, 0], [samples, steps, 1]), 1);
    return { xs, ys };
  });
}

/** Images [samples, 6, 6, 1]; class = which quadrant is brightest. */
function images(samples = 16, seed = 17): CorpusData {
  return tf.tidy(() => {
    const xs = tf.randomUniform([samples, 6, 6, 1], 0, 1, 'float32', seed);
    const quadrants = tf.stack([
      tf.sum(tf.slice(xs, [0, 0, 0, 0], [samples, 3, 3, 1]), [1, 2, 3]),
      tf.sum(tf.slice(xs, [0, 0, 3, 0], [samples, 3, 3, 1]), [1, 2, 3]),
      tf.sum(tf.slice(xs, [0, 3, 0, 0], [samples, 3, 3, 1]), [1, 2, 3]),
      tf.sum(tf.slice(xs, [0, 3, 3, 0], [samples, 3, 3, 1]), [1, 2, 3]),
    ], 1);
    return { xs, ys: tf.oneHot(tf.argMax(quadrants, 1), 4).toFloat() };
  });
}

/** A Sequential MLP with named layers `dense0 … dense{depth-1}`, `head`. */
function mlp(options: {
  depth: number;
  width?: number;
  activation: string;
  kernel: (layer: number) => Initializer;
  bias?: number;
  outputs?: number;
  inputs?: number;
}): tf.Sequential {
  const { depth, width = 32, activation, kernel, bias = 0, outputs = 1, inputs = FEATURES } = options;
  const model = tf.sequential();
  for (let i = 0; i < depth; i++) {
    model.add(
      tf.layers.dense({
        units: width,
        activation: activation as 'relu',
        kernelInitializer: kernel(i),
        biasInitializer: tf.initializers.constant({ value: bias }),
        name: `dense${i}`,
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  }
  model.add(tf.layers.dense({ units: outputs, kernelInitializer: glorot(100), name: 'head' }));
  return model;
}

function apply(layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(input) as tf.SymbolicTensor;
}

/** Transformer-like with pre-norm blocks: x + FFN(LN(x)). */
function preNormTransformer(blocks: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 16] });
  let x = apply(tf.layers.dense({ units: 16, kernelInitializer: glorot(seed), name: 'embed' }), input);
  for (let b = 0; b < blocks; b++) {
    const normed = apply(tf.layers.layerNormalization({ name: `block${b}_norm` }), x);
    const hidden = apply(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: he(seed + 2 * b + 1), name: `block${b}_ffn0` }), normed);
    const out = apply(tf.layers.dense({ units: 16, kernelInitializer: glorot(seed + 2 * b + 2), name: `block${b}_ffn1` }), hidden);
    x = apply(tf.layers.add({ name: `block${b}_add` }), [x, out]);
  }
  x = apply(tf.layers.layerNormalization({ name: 'final_norm' }), x);
  x = apply(tf.layers.globalAveragePooling1d({ name: 'pool' }), x);
  const output = apply(tf.layers.dense({ units: 1, kernelInitializer: glorot(seed + 99), name: 'head' }), x);
  return tf.model({ inputs: input, outputs: output });
}

/** Two parallel towers (ReLU and tanh) concatenated, then a head; `deep` makes tower A a deep sigmoid stack. */
function twoTowers(deepSigmoid: boolean): tf.LayersModel {
  const input = tf.input({ shape: [FEATURES] });
  let a = input;
  const towerDepth = deepSigmoid ? 10 : 3;
  for (let i = 0; i < towerDepth; i++) {
    a = apply(
      tf.layers.dense({
        units: 32,
        activation: deepSigmoid ? 'sigmoid' : 'relu',
        kernelInitializer: deepSigmoid ? glorot(30 + i) : he(30 + i),
        name: `towerA_${i}`,
      }),
      a,
    );
  }
  let b = input;
  for (let i = 0; i < 2; i++) {
    b = apply(tf.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 50 + i }), name: `towerB_${i}` }), b);
  }
  const merged = apply(tf.layers.concatenate({ name: 'merge' }), [a, b]);
  const output = apply(tf.layers.dense({ units: 1, kernelInitializer: glorot(60), name: 'head' }), merged);
  return tf.model({ inputs: input, outputs: output });
}

/** A small conv net: conv → (norm) → relu (→ pool) … → flatten → dense head with 4 classes. */
function convNet(options: { layers: number; activation: string; kernel: (i: number) => Initializer; groupNorm?: boolean; pool?: boolean }): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 1] });
  let x = input;
  for (let i = 0; i < options.layers; i++) {
    x = apply(
      tf.layers.conv2d({
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: (options.groupNorm ? 'linear' : options.activation) as 'relu',
        kernelInitializer: options.kernel(i),
        name: `conv${i}`,
      }),
      x,
    );
    if (options.groupNorm) {
      x = apply(groupNormalization({ groups: 2, name: `conv${i}_norm` }), x);
      x = apply(tf.layers.activation({ activation: options.activation as 'relu', name: `conv${i}_act` }), x);
    }
    if (options.pool && i === 0) x = apply(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), x);
  }
  x = apply(tf.layers.flatten({ name: 'flatten' }), x);
  const output = apply(tf.layers.dense({ units: 4, kernelInitializer: glorot(70), name: 'head' }), x);
  return tf.model({ inputs: input, outputs: output });
}

/** A recurrent layer over [steps, 4] sequences, then a dense head. */
function recurrent(layer: tf.layers.Layer, steps: number): tf.LayersModel {
  const input = tf.input({ shape: [steps, 4] });
  const hidden = apply(layer, input);
  const output = apply(tf.layers.dense({ units: 1, kernelInitializer: glorot(80), name: 'head' }), hidden);
  return tf.model({ inputs: input, outputs: output });
}

const adam = (learningRate = 1e-3, epsilon?: number) => () => tf.train.adam(learningRate, 0.9, 0.999, epsilon);
const sgd = (learningRate: number) => () => tf.train.sgd(learningRate);

/** Healthy models: no event at all, from step 0. */
export const HEALTHY: readonly CorpusEntry[] = [
  {
    id: 'mlp-relu-he-sgd',
    kind: 'mlp',
    description: '8-layer ReLU MLP, He init, SGD 0.05',
    verdict: 'healthy',
    build: () => mlp({ depth: 8, activation: 'relu', kernel: (i) => he(i + 1) }),
    data: () => regression(),
    optimizer: sgd(0.05),
    loss: mse,
    steps: 5,
  },
  {
    id: 'mlp-tanh-xavier-adam',
    kind: 'mlp',
    description: '6-layer tanh MLP, Xavier (Glorot uniform) init, Adam 1e-3, 4-class blobs',
    verdict: 'healthy',
    build: () => mlp({ depth: 6, activation: 'tanh', kernel: (i) => tf.initializers.glorotUniform({ seed: i + 1 }), outputs: 4 }),
    data: () => blobs(),
    optimizer: adam(),
    loss: crossEntropy,
    steps: 5,
  },
  {
    id: 'functional-two-towers',
    kind: 'functional',
    description: 'functional model: a ReLU/He tower and a tanh tower concatenated, Adam 1e-3',
    verdict: 'healthy',
    build: () => twoTowers(false),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'residual-rezero',
    kind: 'residual',
    description: 'residualMlp depth 6 width 16, ReZero gates (α₀ = 0), Adam 1e-3; 14 steps, so branches are judged after the 10-report warm-up',
    verdict: 'healthy',
    build: () => residualMlp({ inputShape: [FEATURES], depth: 6, width: 16, gate: 'reZero', seed: 1 }),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 14,
  },
  {
    id: 'residual-skipinit',
    kind: 'residual',
    description: 'residualMlp depth 6 width 16, SkipInit gates (α₀ = 0), Adam 1e-3',
    verdict: 'healthy',
    build: () => residualMlp({ inputShape: [FEATURES], depth: 6, width: 16, gate: 'skipInit', seed: 2 }),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'residual-fixup',
    kind: 'residual',
    description: 'residualMlp depth 6 width 16 with Fixup (zero last branch layer and head, scalar biases), Adam 1e-3',
    verdict: 'healthy',
    build: () => residualMlp({ inputShape: [FEATURES], depth: 6, width: 16, fixup: true, seed: 3 }),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'residual-deepnorm',
    kind: 'residual',
    description: 'residualMlp depth 4 width 16 with DeepNorm (post-LN, shortcut α, branch β), Adam 1e-3',
    verdict: 'healthy',
    build: () => residualMlp({ inputShape: [FEATURES], depth: 4, width: 16, deepNorm: true, seed: 4 }),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'batchnorm-mlp',
    kind: 'normalization',
    description: '4 × (Dense → BatchNormalization → ReLU), Adam 1e-3',
    verdict: 'healthy',
    build: () => {
      const model = tf.sequential();
      for (let i = 0; i < 4; i++) {
        model.add(tf.layers.dense({ units: 32, kernelInitializer: glorot(i + 1), name: `dense${i}`, ...(i === 0 ? { inputShape: [FEATURES] } : {}) }));
        model.add(tf.layers.batchNormalization({ name: `bn${i}` }));
        model.add(tf.layers.activation({ activation: 'relu', name: `relu${i}` }));
      }
      model.add(tf.layers.dense({ units: 1, kernelInitializer: glorot(100), name: 'head' }));
      return model;
    },
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'layernorm-mlp',
    kind: 'normalization',
    description: '4 × (Dense → LayerNormalization → tanh), Adam 1e-3',
    verdict: 'healthy',
    build: () => {
      const model = tf.sequential();
      for (let i = 0; i < 4; i++) {
        model.add(tf.layers.dense({ units: 32, kernelInitializer: glorot(i + 1), name: `dense${i}`, ...(i === 0 ? { inputShape: [FEATURES] } : {}) }));
        model.add(tf.layers.layerNormalization({ name: `ln${i}` }));
        model.add(tf.layers.activation({ activation: 'tanh', name: `tanh${i}` }));
      }
      model.add(tf.layers.dense({ units: 1, kernelInitializer: glorot(100), name: 'head' }));
      return model;
    },
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'groupnorm-conv',
    kind: 'normalization',
    description: '2 × (Conv2D 4 → GroupNormalization(2) → ReLU), flatten, dense head; Adam 1e-3',
    verdict: 'healthy',
    build: () => convNet({ layers: 2, activation: 'relu', kernel: (i) => he(i + 1), groupNorm: true }),
    data: () => images(),
    optimizer: adam(),
    loss: crossEntropy,
    steps: 5,
    backends: NO_WASM,
  },
  {
    id: 'conv-relu-he',
    kind: 'conv',
    description: 'small conv net: Conv2D 4 relu → max-pool → 2 × Conv2D 4 relu (He) → flatten → head; Adam 1e-3',
    verdict: 'healthy',
    build: () => convNet({ layers: 3, activation: 'relu', kernel: (i) => he(i + 1), pool: true }),
    data: () => images(),
    optimizer: adam(),
    loss: crossEntropy,
    steps: 5,
    backends: NO_WASM,
  },
  {
    id: 'lstm-default',
    kind: 'rnn',
    description: 'LSTM(16) over 6 steps with the default initializers (Glorot, orthogonal, unit forget bias), Adam 1e-3',
    verdict: 'healthy',
    build: () =>
      recurrent(
        tf.layers.lstm({
          units: 16,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
          name: 'lstm',
        }),
        6,
      ),
    data: () => sequences(6),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'gru-default',
    kind: 'rnn',
    description: 'GRU(16) over 6 steps with the default initializers, Adam 1e-3',
    verdict: 'healthy',
    build: () =>
      recurrent(
        tf.layers.gru({
          units: 16,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: 4 }),
          name: 'gru',
        }),
        6,
      ),
    data: () => sequences(6),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
  {
    id: 'transformer-like',
    kind: 'transformer',
    description: 'transformer-like encoder: dense embedding, 2 pre-norm blocks x + FFN(LayerNorm(x)), final LayerNorm, pooling; Adam 1e-3',
    verdict: 'healthy',
    build: () => preNormTransformer(2, 1),
    data: () => sequences(8, 16, 32),
    optimizer: adam(),
    loss: mse,
    steps: 5,
  },
];

/** Sets every hidden Dense layer's bias to `value` (the "dead ReLU" set-up). */
function withBiases(model: tf.LayersModel, value: number): tf.LayersModel {
  tf.tidy(() => {
    for (const layer of model.layers) {
      if (layer.name.startsWith('dense')) {
        const [kernel, bias] = layer.getWeights();
        layer.setWeights([kernel!, tf.fill(bias!.shape, value)]);
      }
    }
  });
  return model;
}

/** Broken models: the verdict and layer a correct monitor names. */
export const BROKEN: readonly CorpusEntry[] = [
  {
    id: 'mlp-sigmoid-vanishing',
    kind: 'mlp',
    description: '10-layer sigmoid MLP, default Glorot-normal init, SGD 0.1',
    verdict: 'vanishing',
    layer: 'dense0',
    build: () => mlp({ depth: 10, activation: 'sigmoid', kernel: (i) => glorot(i + 1) }),
    data: () => regression(),
    optimizer: sgd(0.1),
    loss: mse,
    steps: 6,
  },
  {
    id: 'functional-deep-sigmoid-tower',
    kind: 'functional',
    description: 'two towers concatenated; tower A is a 10-layer sigmoid stack (Glorot), SGD 0.1',
    verdict: 'vanishing',
    layer: 'towerA_0',
    build: () => twoTowers(true),
    data: () => regression(),
    optimizer: sgd(0.1),
    loss: mse,
    steps: 6,
  },
  {
    id: 'conv-sigmoid-vanishing',
    kind: 'conv',
    description: '6 × Conv2D sigmoid (Glorot), flatten, head; SGD 0.1',
    verdict: 'vanishing',
    layer: 'conv0',
    build: () => convNet({ layers: 6, activation: 'sigmoid', kernel: (i) => glorot(i + 1) }),
    data: () => images(),
    optimizer: sgd(0.1),
    loss: crossEntropy,
    steps: 6,
    backends: NO_WASM,
  },
  {
    id: 'mlp-relu-normal-exploding',
    kind: 'mlp',
    description: '8-layer ReLU MLP with N(0, 1) weights (no fan-in scaling), SGD 1e-3',
    verdict: 'exploding',
    layer: 'dense0',
    build: () => mlp({ depth: 8, activation: 'relu', kernel: (i) => normal(1, i + 1) }),
    data: () => regression(),
    optimizer: sgd(1e-3),
    loss: mse,
    steps: 3,
  },
  {
    id: 'residual-normal-branches-exploding',
    kind: 'residual',
    description: 'functional residual net, 4 blocks x + F(x) without gates, branch kernels N(0, 1); SGD 1e-3',
    verdict: 'exploding',
    layer: 'block0_branch0',
    build: () => {
      const input = tf.input({ shape: [FEATURES] });
      let x = apply(tf.layers.dense({ units: 32, kernelInitializer: glorot(1), name: 'stem' }), input);
      for (let b = 0; b < 4; b++) {
        x = residual(
          x,
          [
            tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: normal(1, 10 + 2 * b), name: `block${b}_branch0` }),
            tf.layers.dense({ units: 32, kernelInitializer: normal(1, 11 + 2 * b), name: `block${b}_branch1` }),
          ],
          { name: `block${b}` },
        );
      }
      const output = apply(tf.layers.dense({ units: 1, kernelInitializer: glorot(99), name: 'head' }), x);
      return tf.model({ inputs: input, outputs: output });
    },
    data: () => regression(),
    optimizer: sgd(1e-3),
    loss: mse,
    steps: 3,
  },
  {
    id: 'rnn-linear-exploding',
    kind: 'rnn',
    description: 'SimpleRNN(16, linear) over 30 steps, recurrent kernel orthogonal × 1.3 (spectral radius 1.3), SGD 1e-3',
    verdict: 'exploding',
    layer: 'rnn',
    build: () =>
      recurrent(
        tf.layers.simpleRNN({
          units: 16,
          activation: 'linear',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
          recurrentInitializer: tf.initializers.orthogonal({ gain: 1.3, seed: 6 }),
          name: 'rnn',
        }),
        30,
      ),
    data: () => sequences(30),
    optimizer: sgd(1e-3),
    loss: mse,
    steps: 3,
  },
  {
    id: 'mlp-dead-relu',
    kind: 'mlp',
    description: '6-layer ReLU MLP (He) whose hidden biases are −3: every unit is dead; Adam 1e-3',
    verdict: 'dead units',
    layer: 'dense0',
    build: () => withBiases(mlp({ depth: 6, activation: 'relu', kernel: (i) => he(i + 1) }), -3),
    data: () => regression(),
    optimizer: adam(),
    loss: mse,
    steps: 6,
  },
  {
    id: 'mlp-tanh-saturated',
    kind: 'mlp',
    description: '6-layer tanh MLP with N(0, 3²) weights: pre-activations far outside the linear range; SGD 0.01',
    verdict: 'saturated',
    layer: 'dense0',
    build: () => mlp({ depth: 6, activation: 'tanh', kernel: (i) => normal(3, i + 1) }),
    data: () => regression(),
    optimizer: sgd(0.01),
    loss: mse,
    steps: 4,
  },
  {
    id: 'mlp-lr-too-high',
    kind: 'mlp',
    description: '8-layer ReLU MLP with He init (healthy) trained with SGD at learning rate 3',
    verdict: 'learning rate too high',
    build: () => mlp({ depth: 8, activation: 'relu', kernel: (i) => he(i + 1) }),
    data: () => regression(),
    optimizer: sgd(3),
    loss: mse,
    steps: 4,
  },
  {
    id: 'transformer-adam-lr-too-high',
    kind: 'transformer',
    description: 'the healthy transformer-like encoder trained with Adam at learning rate 0.5',
    verdict: 'learning rate too high',
    build: () => preNormTransformer(2, 1),
    data: () => sequences(8, 16, 32),
    optimizer: adam(0.5),
    loss: mse,
    steps: 3,
  },
  {
    id: 'mlp-lr-too-low',
    kind: 'mlp',
    description: '8-layer ReLU MLP with He init trained with SGD at learning rate 1e-6 (loss does not move)',
    verdict: 'learning rate too low',
    build: () => mlp({ depth: 8, activation: 'relu', kernel: (i) => he(i + 1) }),
    data: () => regression(),
    optimizer: sgd(1e-6),
    loss: mse,
    steps: 12,
  },
  {
    id: 'lstm-lr-too-low',
    kind: 'rnn',
    description: 'the healthy LSTM trained with SGD at learning rate 1e-6',
    verdict: 'learning rate too low',
    build: () =>
      recurrent(
        tf.layers.lstm({
          units: 16,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
          name: 'lstm',
        }),
        6,
      ),
    data: () => sequences(6),
    optimizer: sgd(1e-6),
    loss: mse,
    steps: 12,
  },
  {
    id: 'nan-in-data',
    kind: 'mlp',
    description: 'healthy ReLU/He MLP, but one input value is NaN (a missing value in the data)',
    verdict: 'non-finite',
    source: 'data',
    build: () => mlp({ depth: 4, activation: 'relu', kernel: (i) => he(i + 1) }),
    data: () =>
      tf.tidy(() => {
        const { xs, ys } = regression();
        const mask = tf.oneHot(tf.tensor1d([3 * FEATURES + 2], 'int32'), SAMPLES * FEATURES).reshape([SAMPLES, FEATURES]);
        return { xs: tf.where(tf.cast(mask, 'bool'), tf.fill([SAMPLES, FEATURES], Number.NaN), xs), ys };
      }),
    optimizer: adam(),
    loss: mse,
    steps: 2,
  },
  {
    id: 'nan-in-loss',
    kind: 'mlp',
    description: 'ReLU output trained with a Poisson log-likelihood written without an epsilon: log(0) at dead outputs',
    verdict: 'non-finite',
    source: 'loss',
    build: () => {
      const model = mlp({ depth: 3, activation: 'relu', kernel: (i) => he(i + 1) });
      model.add(tf.layers.activation({ activation: 'relu', name: 'rate' }));
      return model;
    },
    data: () => tf.tidy(() => {
      const { xs, ys } = regression();
      return { xs, ys: tf.abs(ys) };
    }),
    optimizer: adam(),
    loss: (ys, rate) => tf.mean(tf.sub(rate, tf.mul(ys, tf.log(rate)))) as tf.Scalar,
    steps: 2,
  },
  {
    id: 'nan-forward-rnn',
    kind: 'rnn',
    description: 'SimpleRNN(32, relu) over 40 steps with recurrent N(0, 3²): the hidden state overflows to Infinity inside the RNN',
    verdict: 'non-finite',
    source: 'forward',
    layer: 'rnn',
    build: () =>
      recurrent(
        tf.layers.simpleRNN({
          units: 32,
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }),
          recurrentInitializer: normal(3, 8),
          name: 'rnn',
        }),
        40,
      ),
    data: () => sequences(40),
    optimizer: adam(),
    loss: mse,
    steps: 2,
  },
  {
    id: 'nan-update-adam-epsilon-0',
    kind: 'mlp',
    description: 'ReLU/He MLP with Adam(epsilon = 0) on data whose first two features are always 0: 0/0 in the update',
    verdict: 'non-finite',
    source: 'update',
    layer: 'dense0',
    build: () => mlp({ depth: 4, activation: 'relu', kernel: (i) => he(i + 1) }),
    data: () =>
      tf.tidy(() => {
        const { xs, ys } = regression();
        const keep = tf.concat([tf.zeros([1, 2]), tf.ones([1, FEATURES - 2])], 1);
        return { xs: tf.mul(xs, keep), ys };
      }),
    optimizer: adam(1e-3, 0),
    loss: mse,
    steps: 2,
  },
];

/** Every entry, healthy first. */
export const CORPUS: readonly CorpusEntry[] = [...HEALTHY, ...BROKEN];

