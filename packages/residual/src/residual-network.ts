import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireActivation, requireBoolean, requireInteger, requireOptions, requireShape } from '@gs/core';
import { deepNorm } from './deep-norm.js';
import { fixupInit } from './fixup-init.js';
import { createGate, requireGateOption, type GateOption } from './gate-option.js';
import { createNorm, requireNormOption, type NormOption } from './norm-option.js';
import { residual } from './residual.js';
import { scalarBias } from './scalar-bias.js';
import { scale } from './scale.js';

/** The tfjs Initializer type (the class itself is not exported). */
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Options shared by `residualMlp` and `residualConvNet`. */
export interface ResidualNetworkOptions {
  /** Shape of one sample, without the batch axis. */
  inputShape: readonly number[];
  /** Number of residual blocks. */
  depth: number;
  /** Units (MLP) or filters (ConvNet) of every layer in the blocks. */
  width: number;
  /** Weight layers per branch, m. Default 2. */
  branchLayers?: number;
  /** Activation inside the branches (pre-activation order) and before the head. Default 'relu'. */
  activation?: string;
  /** Pre-norm in every branch and before the head (with `deepNorm`: the post-norm kind). Default: none. */
  norm?: NormOption;
  /** The gate on every branch. Default 'none'. */
  gate?: GateOption;
  /** false builds the plain variant: the same layers with no shortcuts and no gates. Default true. */
  residual?: boolean;
  /** Fixup: scalar biases and a multiplier in each branch, He-normal init, then `fixupInit`. Default false. */
  fixup?: boolean;
  /** DeepNorm: post-norm blocks `LN(α·x + F(x))`, branch kernels Xavier with gain β, α/β from `deepNorm({encoderLayers: depth})`. Default false. */
  deepNorm?: boolean;
  /** Units of the output Dense layer. Default 1. */
  outputUnits?: number;
  /** Activation of the output layer. Default 'linear'. */
  outputActivation?: string;
  /** Seeds every kernel initializer (layer k gets seed + k) for reproducible weights. Default: unseeded. */
  seed?: number;
  /** Prefix of every layer name (`<name>block3_branch0`, …) so two networks can be combined. Default ''. */
  name?: string;
}

/** The options residualMlp and residualConvNet share. */
export const SHARED_OPTIONS = [
  'inputShape', 'depth', 'width', 'branchLayers', 'activation', 'norm', 'gate', 'residual',
  'fixup', 'deepNorm', 'outputUnits', 'outputActivation', 'seed', 'name',
];

/** How the MLP and the ConvNet differ: their weight layer, stem and pooling before the head. */
export interface NetworkKind {
  where: string;
  extraOptions: readonly string[];
  weightLayer(options: { units: number; name: string; kernelInitializer?: Initializer; useBias: boolean }): tf.layers.Layer;
  stem(input: tf.SymbolicTensor, layer: (name: string) => tf.layers.Layer): tf.SymbolicTensor;
  beforeHead(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor;
}

function applyLayer(layer: tf.layers.Layer, input: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(input) as tf.SymbolicTensor;
}

/** Builds the residual (or plain) network described by `options` for a kind of weight layer. */
export function buildResidualNetwork(kind: NetworkKind, options: ResidualNetworkOptions): tf.LayersModel {
  const where = kind.where;
  if (options === undefined) invalidOption(where, 'options', 'an object such as { inputShape, depth, width }', options);
  const opts = requireOptions<ResidualNetworkOptions>(where, options, [...SHARED_OPTIONS, ...kind.extraOptions] as (keyof ResidualNetworkOptions)[]);
  const {
    inputShape,
    depth,
    width,
    branchLayers = 2,
    activation = 'relu',
    norm,
    gate = 'none',
    residual: withShortcuts = true,
    fixup = false,
    deepNorm: withDeepNorm = false,
    outputUnits = 1,
    outputActivation = 'linear',
    seed,
    name: prefix = '',
  } = opts as ResidualNetworkOptions;
  requireShape(where, 'inputShape', inputShape);
  requireInteger(where, 'depth', depth);
  requireActivation(where, 'activation', activation);
  requireActivation(where, 'outputActivation', outputActivation);
  if (norm !== undefined) requireNormOption(where, 'norm', norm);
  requireGateOption(where, gate);
  requireBoolean(where, 'residual', withShortcuts);
  requireBoolean(where, 'fixup', fixup);
  requireBoolean(where, 'deepNorm', withDeepNorm);
  if (typeof prefix !== 'string') invalidOption(where, 'name', 'a string (the prefix of every layer name)', prefix);
  requireInteger(where, 'depth', depth);
  requireInteger(where, 'width', width);
  requireInteger(where, 'branchLayers', branchLayers);
  requireInteger(where, 'outputUnits', outputUnits);
  if (seed !== undefined) requireInteger(where, 'seed', seed, 0);
  if (fixup && !withShortcuts) invalidOption(where, 'fixup', 'false when residual is false (Fixup needs shortcuts)', fixup);
  if (withDeepNorm && !withShortcuts) invalidOption(where, 'deepNorm', 'false when residual is false', withDeepNorm);
  if (fixup && withDeepNorm) invalidOption(where, 'deepNorm', 'false when fixup is true (pick one)', withDeepNorm);
  if (fixup && norm !== undefined) invalidOption(where, 'norm', 'undefined when fixup is true (Fixup replaces normalization)', norm);
  if (fixup && gate !== 'none') invalidOption(where, 'gate', "'none' when fixup is true (Fixup adds its own multiplier)", gate);
  if (fixup && branchLayers < 2) invalidOption(where, 'branchLayers', 'an integer ≥ 2 with fixup', branchLayers);

  let initializerCount = 0;
  const nextSeed = () => (seed === undefined ? undefined : seed + initializerCount++);
  const defaultInitializer = (): Initializer | undefined =>
    seed === undefined ? undefined : tf.initializers.glorotNormal({ seed: nextSeed() });
  const deepNormConstants = withDeepNorm ? deepNorm({ encoderLayers: depth }) : undefined;
  const branchInitializer = (): Initializer | undefined => {
    if (fixup) return tf.initializers.heNormal({ seed: nextSeed() });
    if (deepNormConstants) {
      return tf.initializers.varianceScaling({ scale: deepNormConstants.beta ** 2, mode: 'fanAvg', distribution: 'uniform', seed: nextSeed() });
    }
    return defaultInitializer();
  };

  const input = tf.input({ shape: [...inputShape] });
  let x = kind.stem(input, (layerName) =>
    kind.weightLayer({ units: width, name: `${prefix}${layerName}`, kernelInitializer: defaultInitializer(), useBias: true }),
  );

  for (let block = 0; block < depth; block++) {
    const blockName = `${prefix}block${block}`;
    const branch = (branchInput: tf.SymbolicTensor): tf.SymbolicTensor => {
      let h = branchInput;
      let biasCount = 0;
      for (let j = 0; j < branchLayers; j++) {
        if (fixup) h = applyLayer(scalarBias({ name: `${blockName}_bias${biasCount++}` }), h);
        h = applyLayer(tf.layers.activation({ activation: activation as 'relu', name: `${blockName}_activation${j}` }), h);
        if (fixup) h = applyLayer(scalarBias({ name: `${blockName}_bias${biasCount++}` }), h);
        h = applyLayer(
          kind.weightLayer({ units: width, name: `${blockName}_branch${j}`, kernelInitializer: branchInitializer(), useBias: !fixup }),
          h,
        );
      }
      return h;
    };
    if (!withShortcuts) {
      if (norm !== undefined) x = applyLayer(createNorm(where, 'norm', norm, `${blockName}_norm`), x);
      x = branch(x);
      continue;
    }
    const gates = fixup
      ? [scale(1, { trainable: true, name: `${blockName}_multiplier` }), scalarBias({ name: `${blockName}_bias_out` })]
      : createGate(where, gate, block, `${blockName}_gate`);
    x = residual(x, branch, {
      gate: gates,
      projection: 'none',
      ...(norm !== undefined && !withDeepNorm ? { preNorm: norm } : {}),
      ...(deepNormConstants ? { shortcutScale: deepNormConstants.alpha, postNorm: norm ?? 'layerNormalization' } : {}),
      name: blockName,
    });
  }

  if (norm !== undefined && !withDeepNorm) x = applyLayer(createNorm(where, 'norm', norm, `${prefix}head_norm`), x);
  x = applyLayer(tf.layers.activation({ activation: activation as 'relu', name: `${prefix}head_activation` }), x);
  x = kind.beforeHead(x, prefix);
  const output = applyLayer(
    tf.layers.dense({ units: outputUnits, activation: outputActivation as 'linear', kernelInitializer: defaultInitializer(), name: `${prefix}head` }),
    x,
  );
  const model = tf.model({ inputs: input, outputs: output });
  if (fixup) fixupInit(model, { numBlocks: depth, branchLayers });
  return model;
}
