/** Which pathology a configuration belongs to. */
export type Scenario = 'vanishing' | 'exploding';
/** Hidden-layer activation. */
export type Activation = 'sigmoid' | 'relu' | 'tanh';
/** Kernel initialization scheme. `default` is tfjs's Dense default (glorotNormal); `normal` is N(0, 1). */
export type InitializerName = 'default' | 'he' | 'xavier' | 'orthogonal' | 'normal';
/** Normalization inserted before each hidden activation. */
export type NormalizationName = 'none' | 'batch' | 'group';
/** Residual connection around each hidden layer. */
export type ResidualName = 'none' | 'rezero';
/** Optimizer. */
export type OptimizerName = 'sgd' | 'adam';
/** Gradient transform from `@gs/clipping`. */
export type ClippingName = 'globalNorm' | 'adaptive' | 'nonFiniteSkip';

/** One training run of the demo: a model, an optimizer and the remedies applied. */
export interface RunConfiguration {
  /** Short identifier, used in file names. */
  id: string;
  /** What the row of the results table is called. */
  title: string;
  scenario: Scenario;
  /** Hidden layers. */
  depth: number;
  /** Units per hidden layer. */
  width: number;
  activation: Activation;
  initializer: InitializerName;
  normalization: NormalizationName;
  residual: ResidualName;
  optimizer: OptimizerName;
  learningRate: number;
  /** Adam's ε (tfjs default 1e-7 when absent). */
  epsilon?: number;
  /** Gradient transforms, applied in this order. */
  clipping: ClippingName[];
  /** Seed of the weights. */
  seed: number;
}

/** Sizes shared by every configuration of one demo run. */
export interface DemoSize {
  depth: number;
  width: number;
  steps: number;
  batchSize: number;
  trainImages: number;
  testImages: number;
}

/**
 * `npm run demo` default: about 5 minutes on a 2-core machine without a GPU, on software WebGPU
 * (lavapipe, ~0.25 s per step for this net) with two worker processes; wasm is faster.
 */
export const SMALL_SIZE: DemoSize = { depth: 20, width: 64, steps: 60, batchSize: 64, trainImages: 4000, testImages: 1000 };
/** `--full`: deeper, wider and longer. */
export const FULL_SIZE: DemoSize = { depth: 30, width: 128, steps: 600, batchSize: 128, trainImages: 8000, testImages: 2000 };

type Remedy = Omit<RunConfiguration, 'depth' | 'width' | 'scenario' | 'seed'>;

const SIGMOID_BASELINE: Remedy = {
  id: 'sigmoid-baseline',
  title: 'baseline: sigmoid, default init, SGD',
  activation: 'sigmoid',
  initializer: 'default',
  normalization: 'none',
  residual: 'none',
  optimizer: 'sgd',
  learningRate: 0.1,
  clipping: [],
};

/**
 * Adam's step is lr·m̂/(√v̂ + ε): with tfjs's default ε = 1e-7 a gradient of 1e-14 (the first layer of
 * the vanishing sigmoid net) moves its weights by ~lr·1e-7, no more than SGD would; with ε far below
 * the gradient the step is ~lr whatever the gradient's scale — Adam's cure for vanishing gradients.
 */
export const SMALL_EPSILON = 1e-16;

const VANISHING: Remedy[] = [
  SIGMOID_BASELINE,
  { ...SIGMOID_BASELINE, id: 'relu-he', title: 'ReLU + He init', activation: 'relu', initializer: 'he', learningRate: 0.05 },
  { ...SIGMOID_BASELINE, id: 'sigmoid-batchnorm', title: 'sigmoid + batch norm', normalization: 'batch' },
  { ...SIGMOID_BASELINE, id: 'sigmoid-groupnorm', title: 'sigmoid + group norm', normalization: 'group' },
  { ...SIGMOID_BASELINE, id: 'sigmoid-rezero', title: 'sigmoid + ReZero residual', residual: 'rezero' },
  { ...SIGMOID_BASELINE, id: 'sigmoid-orthogonal', title: 'sigmoid + orthogonal init', initializer: 'orthogonal' },
  { ...SIGMOID_BASELINE, id: 'sigmoid-adam', title: 'sigmoid + Adam (instead of SGD)', optimizer: 'adam', learningRate: 1e-3 },
  {
    ...SIGMOID_BASELINE,
    id: 'sigmoid-adam-small-eps',
    title: `sigmoid + Adam with ε = ${SMALL_EPSILON}`,
    optimizer: 'adam',
    learningRate: 1e-3,
    epsilon: SMALL_EPSILON,
  },
  { ...SIGMOID_BASELINE, id: 'tanh-xavier', title: 'tanh + Xavier init', activation: 'tanh', initializer: 'xavier' },
  {
    ...SIGMOID_BASELINE,
    id: 'combined',
    title: 'combined: ReLU + He + batch norm + ReZero + Adam',
    activation: 'relu',
    initializer: 'he',
    normalization: 'batch',
    residual: 'rezero',
    optimizer: 'adam',
    learningRate: 1e-3,
  },
];

const RELU_NORMAL_BASELINE: Remedy = {
  id: 'relu-normal-baseline',
  title: 'baseline: ReLU, N(0, 1) init, SGD',
  activation: 'relu',
  initializer: 'normal',
  normalization: 'none',
  residual: 'none',
  optimizer: 'sgd',
  learningRate: 0.05,
  clipping: [],
};

const HIGH_LEARNING_RATE = 0.5;

const EXPLODING: Remedy[] = [
  RELU_NORMAL_BASELINE,
  { ...RELU_NORMAL_BASELINE, id: 'relu-he-init', title: 'He init', initializer: 'he' },
  { ...RELU_NORMAL_BASELINE, id: 'relu-xavier-init', title: 'Xavier init', initializer: 'xavier' },
  { ...RELU_NORMAL_BASELINE, id: 'relu-orthogonal-init', title: 'orthogonal init (gain √2)', initializer: 'orthogonal' },
  { ...RELU_NORMAL_BASELINE, id: 'relu-normal-clip', title: 'N(0, 1) + clipByGlobalNorm(1)', clipping: ['globalNorm'] },
  {
    ...RELU_NORMAL_BASELINE,
    id: 'relu-high-lr',
    title: `baseline: He init, SGD learning rate ${HIGH_LEARNING_RATE}`,
    initializer: 'he',
    learningRate: HIGH_LEARNING_RATE,
  },
  {
    ...RELU_NORMAL_BASELINE,
    id: 'relu-high-lr-clip',
    title: `He init, learning rate ${HIGH_LEARNING_RATE} + clipByGlobalNorm(1)`,
    initializer: 'he',
    learningRate: HIGH_LEARNING_RATE,
    clipping: ['globalNorm'],
  },
  {
    ...RELU_NORMAL_BASELINE,
    id: 'relu-high-lr-agc',
    title: `He init, learning rate ${HIGH_LEARNING_RATE} + adaptiveClip`,
    initializer: 'he',
    learningRate: HIGH_LEARNING_RATE,
    clipping: ['adaptive'],
  },
  {
    ...RELU_NORMAL_BASELINE,
    id: 'relu-high-lr-skip',
    title: `He init, learning rate ${HIGH_LEARNING_RATE} + clipByGlobalNorm(1) + nonFinite('skip')`,
    initializer: 'he',
    learningRate: HIGH_LEARNING_RATE,
    clipping: ['globalNorm', 'nonFiniteSkip'],
  },
];

/** Every configuration the demo runs, at the given size. */
export function demoConfigurations(size: Pick<DemoSize, 'depth' | 'width'>, seed = 1): RunConfiguration[] {
  return [
    ...VANISHING.map((remedy) => ({ ...remedy, scenario: 'vanishing' as const, depth: size.depth, width: size.width, seed })),
    ...EXPLODING.map((remedy) => ({ ...remedy, scenario: 'exploding' as const, depth: size.depth, width: size.width, seed })),
  ];
}
