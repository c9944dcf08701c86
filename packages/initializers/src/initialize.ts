import * as tf from '@tensorflow/tfjs';
import {
  describeParams,
  describeValue,
  requireBoolean,
  requireModel,
  requireNonNegative,
  requireOneOf,
  requireOptions,
  requireParamInfo,
  requireString,
  type ParamInfo,
  type StabilityPlugin,
} from '@gs/core';
import { calculateGain, gainSquared, type Nonlinearity } from './gain.js';
import { criticalWeightVariance, MEAN_FIELD_ACTIVATIONS, type MeanFieldActivationName } from './mean-field.js';
import { InitializerBase, type Initializer } from './host-initializer.js';
import { Orthogonal } from './orthogonal.js';
import { TruncatedNormal } from './truncated-normal.js';
import { VarianceScaling } from './variance-scaling.js';
import { seedOption } from './validate-seed.js';

/** A named re-initialization scheme. */
export type InitializationSchemeName = 'he' | 'xavier' | 'lecun' | 'orthogonal' | 'normal' | 'critical';

/**
 * A scheme: a name, or a function choosing an initializer for each weight (called for every
 * trainable parameter except biases and normalization gamma/beta; return `null`/`undefined` to
 * leave that weight as it is).
 */
export type InitializationScheme =
  | InitializationSchemeName
  | ((param: ParamInfo, seed: number | null) => Initializer | null | undefined);

/** Options of `initialize`. */
export interface InitializeOptions {
  /** Base seed: parameter `i` (gradient-list order) gets `seed + i`. Default: fresh seeds. */
  seed?: number | null;
  /** Standard deviation of the `'normal'` scheme. Default 0.01. */
  stddev?: number;
  /** Also reset normalization layers (gamma → 1, beta → 0, moving mean → 0, moving variance → 1). Default false. */
  normalization?: boolean;
  /** Bias variance σ_b² of the `'critical'` scheme: biases are drawn from N(0, σ_b²). Default 0 (biases 0). */
  sigmaB2?: number;
}

/** The named schemes `initialize` and `initializePlugin` accept. */
export const SCHEME_NAMES: readonly InitializationSchemeName[] = ['he', 'xavier', 'lecun', 'orthogonal', 'normal', 'critical'];

const INITIALIZE_OPTIONS = ['seed', 'stddev', 'normalization', 'sigmaB2'] as const;

const RELU_LIKE = ['relu', 'relu6', 'elu', 'swish', 'mish', 'gelu', 'gelu_new'];
const KERNEL_ROLES = ['kernel', 'depthwiseKernel', 'pointwiseKernel'];

/**
 * The `calculateGain` nonlinearity for a tfjs activation name: tanh, selu and sigmoid map to
 * themselves (`hardSigmoid` to sigmoid); ReLU-like activations (relu, relu6, elu, swish, mish,
 * gelu) to relu; anything else (linear, softmax, softplus, none) to linear.
 *
 * @example
 * activationNonlinearity('relu6'); // 'relu'
 */
export function activationNonlinearity(activation: string | undefined): Nonlinearity {
  if (activation === undefined) return 'linear';
  requireString('activationNonlinearity', 'activation', activation);
  if (RELU_LIKE.includes(activation)) return 'relu';
  if (activation === 'tanh' || activation === 'selu' || activation === 'sigmoid') return activation;
  if (activation === 'hardSigmoid') return 'sigmoid';
  return 'linear';
}

/**
 * The initializer a named scheme gives one weight, with the gain `g = calculateGain` of its layer's
 * activation: `he` → variance `g²/fanIn` (truncated normal), `xavier` → variance
 * `2g²/(fanIn + fanOut)` (uniform), `lecun` → variance `1/fanIn` (truncated normal, for SELU),
 * `orthogonal` → `g·Q` (Haar), `normal` → N(0, stddev²), `critical` → `√σ_w*²·Q` with σ_w*² the
 * edge-of-chaos weight variance of the layer's activation at `sigmaB2` (`criticalWeightVariance`).
 * Recurrent kernels get `orthogonal` with gain 1 under every named scheme (as Keras builds them);
 * embeddings and other weights are left alone.
 */
export function schemeInitializer(
  scheme: InitializationSchemeName,
  param: ParamInfo,
  options: { seed?: number | null; stddev?: number; sigmaB2?: number } = {},
): Initializer | undefined {
  const where = 'schemeInitializer';
  requireOneOf(where, 'scheme', scheme, SCHEME_NAMES);
  requireParamInfo(where, 'param', param);
  const opts = requireOptions<{ seed: number | null; stddev: number; sigmaB2: number }>(where, options, ['seed', 'stddev', 'sigmaB2'], {
    nullable: ['seed'],
  });
  const seed = seedOption(where, opts.seed);
  const stddev = opts.stddev === undefined ? 0.01 : requireNonNegative(where, 'stddev', opts.stddev);
  const sigmaB2 = opts.sigmaB2 === undefined ? 0 : requireNonNegative(where, 'sigmaB2', opts.sigmaB2);
  if (param.role === 'recurrentKernel') return new Orthogonal({ gain: 1, seed });
  if (!KERNEL_ROLES.includes(param.role)) return undefined;
  const nonlinearity = activationNonlinearity(param.activation);
  switch (scheme) {
    case 'he':
      return new VarianceScaling({ scale: gainSquared(nonlinearity), mode: 'fanIn', distribution: 'truncatedNormal', seed });
    case 'xavier':
      return new VarianceScaling({ scale: gainSquared(nonlinearity), mode: 'fanAvg', distribution: 'uniform', seed });
    case 'lecun':
      return new VarianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed });
    case 'orthogonal':
      return new Orthogonal({ gain: calculateGain(nonlinearity), seed });
    case 'normal':
      return new TruncatedNormal({ mean: 0, stddev, a: null, b: null, seed });
    case 'critical':
      return new Orthogonal({ gain: Math.sqrt(criticalVariance(param, sigmaB2)), seed });
  }
}

const criticalVariances = new Map<string, number>();

/** σ_w* ² of the parameter's layer activation at σ_b² (cached: each takes ~0.1 s). */
function criticalVariance(param: ParamInfo, sigmaB2: number): number {
  const activation = param.activation ?? 'linear';
  if (!(MEAN_FIELD_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new RangeError(
      `initialize: the 'critical' scheme needs a mean-field activation (${MEAN_FIELD_ACTIVATIONS.join(', ')}); layer ${param.layerName} has ${JSON.stringify(activation)}`,
    );
  }
  const key = `${activation}/${sigmaB2}`;
  let variance = criticalVariances.get(key);
  if (variance === undefined) {
    variance = criticalWeightVariance(activation as MeanFieldActivationName, { sigmaB2 });
    criticalVariances.set(key, variance);
  }
  return variance;
}

/** What `initialize` did to each weight. */
export interface InitializeResult {
  /** Variable name → the initializer's class name, `'zeros'`, `'ones'`, or `'unchanged'`. */
  readonly weights: Readonly<Record<string, string>>;
}

/**
 * Re-initializes a built model in place: every kernel gets the scheme's initializer with the gain
 * of its own layer's activation (`calculateGain`), every bias becomes 0 (N(0, σ_b²) under
 * `'critical'` with `sigmaB2`), normalization layers are
 * left alone unless `normalization: true`. Values are computed on the host and written with
 * `LayerVariable.write` (no readback), so it is also safe in a plugin's `setup`.
 *
 * Schemes: `'he'` (variance g²/fanIn), `'xavier'` (2g²/(fanIn + fanOut), uniform), `'lecun'`
 * (1/fanIn), `'orthogonal'` (g·Q), `'normal'` (N(0, 0.01²), the "default normal init" of the seed
 * note), `'critical'` (the edge of chaos: orthogonal kernels with gain² = σ_w*², the critical
 * weight variance of the layer's activation at `sigmaB2` — 1 for tanh and linear at σ_b² = 0, 2 for
 * ReLU — and biases from N(0, σ_b²)), or a function of `ParamInfo`.
 * Defaults: fresh seeds, stddev 0.01, normalization false, sigmaB2 0.
 *
 * @example
 * const model = buildMyDeepReluMlp();
 * initialize(model, 'he', { seed: 1 });
 * initialize(model, (p) => (p.depth === 0 ? orthogonal({ seed: 2 }) : undefined));
 * initialize(deepTanhMlp, 'critical', { sigmaB2: 1e-4, seed: 3 }); // σ_w² ≈ 1.086, dynamical isometry
 * Source: He et al. 2015; Glorot & Bengio 2010; Saxe et al. 2014; PyTorch `calculate_gain`;
 * Schoenholz et al. 2017 and Pennington et al. 2017 (critical orthogonal initialization).
 */
export function initialize(model: tf.LayersModel, scheme: InitializationScheme, options: InitializeOptions = {}): InitializeResult {
  const where = 'initialize';
  requireModel(where, 'model', model);
  const { baseSeed, stddev, normalization, sigmaB2 } = checkInitializeArguments(where, scheme, options);
  const randomBias = scheme === 'critical' && sigmaB2 > 0;

  const variables = new Map(model.weights.map((weight) => [weight.name, weight]));
  const done: Record<string, string> = {};
  const write = (name: string, value: tf.Tensor, label: string) => {
    const variable = variables.get(name);
    if (!variable) return;
    try {
      variable.write(value);
    } finally {
      value.dispose();
    }
    done[name] = label;
  };

  for (const param of describeParams(model)) {
    const seed = baseSeed === null ? null : baseSeed + param.index;
    const shape = [...param.shape];
    if (param.role === 'bias') {
      if (randomBias) {
        const initializer = new TruncatedNormal({ mean: 0, stddev: Math.sqrt(sigmaB2), a: null, b: null, seed });
        write(param.name, initializer.apply(shape, 'float32'), initializer.getClassName());
      } else {
        write(param.name, tf.zeros(shape), 'zeros');
      }
    } else if (param.role === 'gamma' || param.role === 'beta') {
      if (normalization) write(param.name, param.role === 'gamma' ? tf.ones(shape) : tf.zeros(shape), param.role === 'gamma' ? 'ones' : 'zeros');
    } else {
      const initializer = typeof scheme === 'function' ? scheme(param, seed) : schemeInitializer(scheme, param, { seed, stddev, sigmaB2 });
      if (initializer !== null && initializer !== undefined) {
        if (!(initializer instanceof InitializerBase)) {
          throw new RangeError(`${where}: the scheme function must return a tfjs initializer or nothing for ${param.name}, got ${describeValue(initializer)}`);
        }
        write(param.name, initializer.apply(shape, 'float32'), initializer.getClassName());
      }
    }
    done[param.name] ??= 'unchanged';
  }
  if (normalization) {
    for (const [name, variable] of variables) {
      if (/moving_mean(_\d+)?$/.test(name)) write(name, tf.zeros(variable.shape as number[]), 'zeros');
      if (/moving_variance(_\d+)?$/.test(name)) write(name, tf.ones(variable.shape as number[]), 'ones');
    }
  }
  return { weights: done };
}

/**
 * `initialize` as a plugin: re-initializes `ctx.model` in its `setup` hook, i.e. just before the
 * first training step, with the same arguments. Needs the model: pass `{ model }` to `stabilize` or
 * `createTrainer`.
 *
 * @example
 * model.compile({ optimizer: stabilize(tf.train.adam(1e-3), [initializePlugin('he', { seed: 1 })], { model }), loss: 'meanSquaredError' });
 * Source: as `initialize`.
 */
export function initializePlugin(scheme: InitializationScheme, options: InitializeOptions = {}): StabilityPlugin {
  checkInitializeArguments('initializePlugin', scheme, options);
  return {
    name: 'initialize',
    setup(ctx) {
      if (!ctx.model) {
        throw new Error(
          'initializePlugin: no model to re-initialize: pass it as stabilize(optimizer, plugins, { model }) or createTrainer({ model, ... })',
        );
      }
      initialize(ctx.model, scheme, options);
    },
  };
}

/** Checks the scheme and options `initialize` and `initializePlugin` take. */
function checkInitializeArguments(
  where: string,
  scheme: unknown,
  options: unknown,
): { baseSeed: number | null; stddev: number; normalization: boolean; sigmaB2: number } {
  if (typeof scheme !== 'function') requireOneOf(where, 'scheme', scheme, SCHEME_NAMES);
  const opts = requireOptions<InitializeOptions>(where, options, INITIALIZE_OPTIONS, { nullable: ['seed'] });
  return {
    baseSeed: seedOption(where, opts.seed),
    stddev: opts.stddev === undefined ? 0.01 : requireNonNegative(where, 'stddev', opts.stddev),
    normalization: requireBoolean(where, 'normalization', opts.normalization ?? false),
    sigmaB2: opts.sigmaB2 === undefined ? 0 : requireNonNegative(where, 'sigmaB2', opts.sigmaB2),
  };
}
