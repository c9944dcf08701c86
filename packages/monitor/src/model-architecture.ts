import * as tf from '@tensorflow/tfjs';
import { type ParamInfo, requireModel, requireParamInfos, requireString } from '@gs/core';

/**
 * What a layer does, as the detectors need to know it:
 * - `dense`, `conv`, `recurrent`, `embedding`: weight layers (they have a kernel), compared with each other;
 * - `normalization`: batch/layer/group/RMS norm (gamma/beta), never compared with kernels;
 * - `gate`: a residual-branch multiplier (ReZero, SkipInit, ResidualScale), one scalar;
 * - `scalar`: any other layer whose parameters are single numbers (Fixup's scalar biases);
 * - `other`: anything else (custom layers without a kernel).
 */
export type LayerKind = 'dense' | 'conv' | 'recurrent' | 'embedding' | 'normalization' | 'gate' | 'scalar' | 'other';

/** One layer with trainable parameters, as the detectors see it. */
export interface LayerArchitecture {
  /** The layer's name. */
  readonly name: string;
  /** Depth index among layers with trainable parameters, 0 nearest the input. */
  readonly depth: number;
  /** The layer's class, when a model is known. */
  readonly layerClass?: string;
  /** The layer's activation, when it has one. */
  readonly activation?: string;
  /** What the layer does (see `LayerKind`). */
  readonly kind: LayerKind;
  /** Whether it is a weight layer (dense, conv, recurrent, embedding): the only layers gradient norms are compared between. */
  readonly weightLayer: boolean;
  /**
   * The `Add` layer whose residual branch F this layer sits on (`x + g·F(x)`), innermost first;
   * undefined on the main path (stem, shortcut projections, head, layers between blocks).
   */
  readonly branch?: string;
  /** The gate layer (ReZero, SkipInit, ResidualScale) on that branch, when it has one. */
  readonly gate?: string;
  /** Time steps a recurrent layer runs over (its input's axis 1), when known. */
  readonly sequenceLength?: number;
  /** The class name of the kernel initializer in the layer's config (e.g. `VarianceScaling`), when known. */
  readonly kernelInitializer?: string;
  /** Whether the layer's output is one of the model's outputs (a head), when a model is known. */
  readonly output?: boolean;
}

/** A model as the detectors and remedies see it: every layer with parameters, and what the model contains. */
export interface ModelArchitecture {
  /** Layers with trainable parameters by name. */
  readonly layers: ReadonlyMap<string, LayerArchitecture>;
  /** Activations of the weight layers (and of parameter-free activation layers), e.g. `['relu']`. */
  readonly activations: readonly string[];
  /** Classes of the normalization layers in the model (empty when none). */
  readonly normalization: readonly string[];
  /** Classes of the residual gates in the model (empty when none). */
  readonly gates: readonly string[];
  /** Whether the model has residual connections (`Add` layers with a shortcut). */
  readonly residual: boolean;
  /** Whether the model has recurrent layers. */
  readonly recurrent: boolean;
  /** Whether the model has convolutions. */
  readonly convolutional: boolean;
  /** Whether the architecture came from a model (true) or only from variable names (false). */
  readonly fromModel: boolean;
}

/** Residual gates of @gs/residual, recognised by their registered class names. */
export const GATE_CLASSES: readonly string[] = ['ReZero', 'SkipInit', 'ResidualScale'];
/** Normalization layers of tfjs and @gs/normalization (the kernel wrappers are weight layers). */
export const NORMALIZATION_CLASSES: readonly string[] = [
  'BatchNormalization',
  'LayerNormalization',
  'GsBatchNormalization',
  'GsLayerNormalization',
  'GsGroupNormalization',
  'GsRMSNormalization',
];
const RECURRENT_CLASSES = ['SimpleRNN', 'LSTM', 'GRU', 'ConvLSTM2D', 'RNN', 'Bidirectional'];
const KERNEL_ROLES = ['kernel', 'recurrentKernel', 'depthwiseKernel', 'pointwiseKernel', 'embeddings'];

function size(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * Math.max(dimension, 0), 1);
}

/** The kind of a layer from its class and its parameters' roles and shapes. */
export function layerKind(layerClass: string | undefined, params: readonly ParamInfo[]): LayerKind {
  if (layerClass !== undefined) requireString('layerKind', 'layerClass', layerClass);
  requireParamInfos('layerKind', 'params', params);
  if (layerClass && GATE_CLASSES.includes(layerClass)) return 'gate';
  if (layerClass && NORMALIZATION_CLASSES.includes(layerClass)) return 'normalization';
  if (params.every((param) => size(param.shape) <= 1)) return 'scalar';
  const roles = params.map((param) => param.role);
  if (roles.includes('recurrentKernel') || (layerClass && RECURRENT_CLASSES.includes(layerClass))) return 'recurrent';
  if (roles.includes('embeddings')) return 'embedding';
  if (layerClass && /Conv/.test(layerClass)) return 'conv';
  if (params.some((param) => KERNEL_ROLES.includes(param.role) || param.shape.length >= 2)) {
    return params.some((param) => param.shape.length > 2) ? 'conv' : 'dense';
  }
  if (roles.every((role) => role === 'gamma' || role === 'beta')) return 'normalization';
  return 'other';
}

function parentsOf(layer: tf.layers.Layer): tf.layers.Layer[] {
  return layer.inboundNodes.flatMap((node) => node.inboundLayers as tf.layers.Layer[]);
}

/**
 * For every `Add` layer with a shortcut, the layers on its residual branch: with inputs a (the
 * shortcut, at most two layers of its own — a projection, a scale) and b, the branch is every
 * layer that feeds b but not a. Inner blocks are found first, so a layer belongs to its innermost block.
 */
function residualBranches(model: tf.LayersModel): Map<tf.layers.Layer, tf.layers.Layer> {
  const ancestors = new Map<tf.layers.Layer, Set<tf.layers.Layer>>();
  const ancestorsOf = (layer: tf.layers.Layer): Set<tf.layers.Layer> => {
    const known = ancestors.get(layer);
    if (known) return known;
    const found = new Set<tf.layers.Layer>([layer]);
    ancestors.set(layer, found);
    for (const parent of parentsOf(layer)) ancestorsOf(parent).forEach((ancestor) => found.add(ancestor));
    return found;
  };
  const branchOf = new Map<tf.layers.Layer, tf.layers.Layer>();
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Add') continue;
    const inputs = parentsOf(layer);
    if (inputs.length !== 2) continue;
    const [a, b] = inputs.map((input) => ancestorsOf(input));
    const onlyA = [...a!].filter((x) => !b!.has(x));
    const onlyB = [...b!].filter((x) => !a!.has(x));
    const [shortcut, branch] = onlyA.length <= onlyB.length ? [onlyA, onlyB] : [onlyB, onlyA];
    if (shortcut.length > 2 || branch.length === 0) continue;
    for (const member of branch) if (!branchOf.has(member)) branchOf.set(member, layer);
  }
  return branchOf;
}

function configString(layer: tf.layers.Layer, key: string): string | undefined {
  const value = (layer.getConfig() as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { className?: unknown }).className === 'string') {
    return (value as { className: string }).className;
  }
  return undefined;
}

/** The layers whose outputs are the model's outputs, through nested models. */
function outputLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.outputs.flatMap((output) => {
    const layer = output.sourceLayer as tf.layers.Layer;
    return layer instanceof tf.LayersModel ? outputLayers(layer) : [layer];
  });
}

/** Every layer of a model, nested models flattened. */
function flatLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.flatMap((layer) => (layer instanceof tf.LayersModel ? flatLayers(layer) : [layer]));
}

/**
 * Describes the layers that own trainable parameters: kind (weight layer, normalization, gate,
 * scalar), activation, residual branch and gate, sequence length — from the model graph when a
 * model is given, else from the parameters' names, roles and shapes alone. Gates of @gs/residual are
 * recognised by class name (`ReZero`, `SkipInit`, `ResidualScale`), so the monitor needs no import of it.
 *
 * @example
 * const architecture = describeArchitecture(describeParams(model), model);
 * [...architecture.layers.values()].filter((layer) => layer.branch).map((layer) => layer.name);
 */
export function describeArchitecture(params: readonly ParamInfo[], model?: tf.LayersModel): ModelArchitecture {
  requireParamInfos('describeArchitecture', 'params', params);
  if (model !== undefined) requireModel('describeArchitecture', 'model', model);
  const byLayer = new Map<string, ParamInfo[]>();
  for (const param of params) {
    const list = byLayer.get(param.layerName) ?? [];
    list.push(param);
    byLayer.set(param.layerName, list);
  }
  const modelLayers = model ? flatLayers(model) : [];
  const layerByName = new Map(modelLayers.map((layer) => [layer.name, layer]));
  const branchOf = model ? residualBranches(model) : new Map<tf.layers.Layer, tf.layers.Layer>();
  const heads = new Set(model ? outputLayers(model).map((layer) => layer.name) : []);
  // Nested models: the branch of the nested model applies to its layers.
  if (model) {
    for (const layer of model.layers) {
      const branch = branchOf.get(layer);
      if (branch && layer instanceof tf.LayersModel) flatLayers(layer).forEach((inner) => branchOf.set(inner, branch));
    }
  }
  const gateOfBranch = new Map<tf.layers.Layer, string>();
  for (const [member, add] of branchOf) {
    if (GATE_CLASSES.includes(member.getClassName())) gateOfBranch.set(add, member.name);
  }

  const layers = new Map<string, LayerArchitecture>();
  for (const [name, layerParams] of byLayer) {
    const first = layerParams[0]!;
    const layer = layerByName.get(name);
    const layerClass = first.layerClass ?? layer?.getClassName();
    const kind = layerKind(layerClass, layerParams);
    const add = layer ? branchOf.get(layer) : undefined;
    const gate = add ? gateOfBranch.get(add) : undefined;
    let sequenceLength: number | undefined;
    if (kind === 'recurrent' && layer) {
      const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
      const shape = (Array.isArray(input) ? input[0] : input)?.shape;
      if (shape && typeof shape[1] === 'number') sequenceLength = shape[1];
    }
    const kernelInitializer = layer ? configString(layer, 'kernelInitializer') : undefined;
    layers.set(name, {
      name,
      depth: first.depth,
      ...(layerClass ? { layerClass } : {}),
      ...(first.activation ? { activation: first.activation } : {}),
      kind,
      weightLayer: kind === 'dense' || kind === 'conv' || kind === 'recurrent' || kind === 'embedding',
      ...(add ? { branch: add.name } : {}),
      ...(gate ? { gate } : {}),
      ...(sequenceLength !== undefined ? { sequenceLength } : {}),
      ...(kernelInitializer ? { kernelInitializer } : {}),
      ...(heads.has(name) ? { output: true } : {}),
    });
  }

  const activations = new Set<string>();
  for (const layer of layers.values()) if (layer.weightLayer && layer.activation) activations.add(layer.activation);
  for (const layer of modelLayers) {
    if (layer.getClassName() === 'Activation') {
      const activation = configString(layer, 'activation');
      if (activation) activations.add(activation);
    }
  }
  activations.delete('linear');
  const classes = new Set(modelLayers.map((layer) => layer.getClassName()));
  const kinds = [...layers.values()].map((layer) => layer.kind);
  return {
    layers,
    activations: [...activations],
    normalization: [...classes].filter((name) => NORMALIZATION_CLASSES.includes(name) || /Normalization$/.test(name)),
    gates: [...classes].filter((name) => GATE_CLASSES.includes(name) || name === 'ScalarBias'),
    residual: branchOf.size > 0,
    recurrent: kinds.includes('recurrent'),
    convolutional: kinds.includes('conv'),
    fromModel: model !== undefined,
  };
}
