import * as tf from '@tensorflow/tfjs';
import { checkCallSite, invalidOption, requireArray, requireModel, requireString } from './validate.js';

/**
 * What a trainable parameter is for, taken from the last part of its weight name
 * (`dense_Dense1/kernel` → `'kernel'`). Unknown names keep their own text.
 */
export type ParamRole =
  | 'kernel'
  | 'recurrentKernel'
  | 'depthwiseKernel'
  | 'pointwiseKernel'
  | 'bias'
  | 'gamma'
  | 'beta'
  | 'embeddings'
  | (string & {});

/** One trainable parameter, as plugins see it. */
export interface ParamInfo {
  /** The tfjs variable name (the key of the gradient map), e.g. `dense_Dense1/kernel`. */
  readonly name: string;
  /** The owning layer's name, e.g. `dense_Dense1`; the name's prefix when no model is known. */
  readonly layerName: string;
  /** The owning layer's class, e.g. `Dense`, when a model is known. */
  readonly layerClass?: string;
  /** The owning layer's activation (`'sigmoid'`, `'relu'`, …), when a model is known and it has one. */
  readonly activation?: string;
  /** What the parameter is for: kernel, bias, gamma, … */
  readonly role: ParamRole;
  /** The parameter's shape. */
  readonly shape: readonly number[];
  /**
   * Depth index of the owning layer among the layers that have trainable parameters, 0 nearest
   * the input, in the model's topological order (or the order parameters first appear).
   */
  readonly depth: number;
  /** Position in the gradient list the optimizer receives. */
  readonly index: number;
}

const ROLE_BY_WEIGHT_NAME: Record<string, ParamRole> = {
  kernel: 'kernel',
  recurrent_kernel: 'recurrentKernel',
  depthwise_kernel: 'depthwiseKernel',
  pointwise_kernel: 'pointwiseKernel',
  bias: 'bias',
  gamma: 'gamma',
  beta: 'beta',
  embeddings: 'embeddings',
};

/** The role of a weight from its name: `dense_Dense1/kernel` → `'kernel'`, `x/recurrent_kernel` → `'recurrentKernel'`. */
export function roleFromName(variableName: string): ParamRole {
  requireString('roleFromName', 'variableName', variableName);
  const last = variableName.slice(variableName.lastIndexOf('/') + 1).replace(/_\d+$/, '');
  return ROLE_BY_WEIGHT_NAME[last] ?? last;
}

function layerNameFromVariable(variableName: string): string {
  const slash = variableName.lastIndexOf('/');
  return slash < 0 ? variableName : variableName.slice(0, slash);
}

/**
 * Describes parameters known only by their variables (a custom loop with no model): the layer is
 * the name's prefix before the last `/`, depth is the order in which layers first appear.
 */
export function describeVariables(variables: readonly tf.Variable[]): ParamInfo[] {
  requireArray('describeVariables', 'variables', variables, (variable, label) =>
    variable instanceof tf.Variable ? variable : invalidOption('describeVariables', label, 'a tf.Variable', variable),
  );
  const depthOfLayer = new Map<string, number>();
  return variables.map((variable, index) => {
    const layerName = layerNameFromVariable(variable.name);
    if (!depthOfLayer.has(layerName)) depthOfLayer.set(layerName, depthOfLayer.size);
    return {
      name: variable.name,
      layerName,
      role: roleFromName(variable.name),
      shape: [...variable.shape],
      depth: depthOfLayer.get(layerName)!,
      index,
    };
  });
}

function activationOf(layer: tf.layers.Layer): string | undefined {
  const config = layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : undefined;
}

/**
 * Maps every trainable parameter of a Sequential or functional model to its layer, role and depth,
 * in the order `model.fit` hands gradients to the optimizer. Nested models are flattened.
 *
 * @example
 * describeParams(model).map((p) => `${p.depth} ${p.layerName} ${p.role} [${p.shape}]`);
 */
export function describeParams(model: tf.LayersModel): ParamInfo[] {
  requireModel('describeParams', 'model', model);
  const ownerByVariable = new Map<string, tf.layers.Layer>();
  const layerDepth = new Map<tf.layers.Layer, number>();
  const visit = (layer: tf.layers.Layer): void => {
    if (layer instanceof tf.LayersModel) {
      layer.layers.forEach(visit);
      return;
    }
    const trainable = layer.trainableWeights;
    if (trainable.length === 0) return;
    if (!layerDepth.has(layer)) layerDepth.set(layer, layerDepth.size);
    for (const weight of trainable) ownerByVariable.set(weight.name, layer);
  };
  model.layers.forEach(visit);

  // fit hands the optimizer `collectedTrainableWeights` (set by compile; a Sequential keeps it on
  // its inner functional model); before compile, the trainable weights in layer order.
  type Compiled = { collectedTrainableWeights?: tf.LayerVariable[]; model?: Compiled };
  const compiled = model as unknown as Compiled;
  const collected =
    compiled.collectedTrainableWeights ?? compiled.model?.collectedTrainableWeights ?? model.trainableWeights;
  return collected.map((weight, index) => {
    const layer = ownerByVariable.get(weight.name);
    const activation = layer ? activationOf(layer) : undefined;
    return {
      name: weight.name,
      layerName: layer?.name ?? layerNameFromVariable(weight.name),
      ...(layer ? { layerClass: layer.getClassName() } : {}),
      ...(activation ? { activation } : {}),
      role: roleFromName(weight.originalName ?? weight.name),
      shape: weight.shape.map((size) => size ?? -1),
      depth: layer ? layerDepth.get(layer)! : -1,
      index,
    };
  });
}

/**
 * A `ParamInfo` (as `describeParams` makes them): checks the fields code relies on, for public
 * functions that take parameters from users (selectors, groupings).
 */
export function requireParamInfo(where: string, option: string, value: unknown): ParamInfo {
  checkCallSite('requireParamInfo', where, option);
  const param = value as Partial<ParamInfo> | null;
  const ok =
    param !== null &&
    typeof param === 'object' &&
    typeof param.name === 'string' &&
    typeof param.layerName === 'string' &&
    typeof param.role === 'string' &&
    Array.isArray(param.shape) &&
    Number.isInteger(param.depth) &&
    Number.isInteger(param.index);
  if (!ok) invalidOption(where, option, 'a ParamInfo (from describeParams(model) or ctx.params)', value);
  return value as ParamInfo;
}

/** A list of `ParamInfo`. */
export function requireParamInfos(where: string, option: string, value: unknown): ParamInfo[] {
  checkCallSite('requireParamInfos', where, option);
  return requireArray(where, option, value, (item, label) => requireParamInfo(where, label, item));
}

