import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireBoolean, requireModel, requireOneOf, requireOptions } from '@gs/core';
import { BatchNormalization, batchNormalizationSettings, type BatchNormalizationArgs } from './batch-normalization.js';
import { GroupNormalization, groupNormalizationSettings, type GroupNormalizationArgs } from './group-normalization.js';
import { cloneLayer } from './kernel-wrapper.js';
import { LayerNormalization, layerNormalizationSettings, type LayerNormalizationArgs } from './layer-normalization.js';
import { RmsNormalization, rmsNormalizationSettings, type RmsNormalizationArgs } from './rms-normalization.js';

/** Which normalization layer `insertNormalization` inserts. */
export type InsertedNormalizationKind = 'batch' | 'layer' | 'group' | 'rms';

/** Options of `insertNormalization`. */
export interface InsertNormalizationOptions {
  /** The layer to insert: `batchNormalization`, `layerNormalization`, `groupNormalization` or `rmsNormalization`. */
  kind: InsertedNormalizationKind;
  /**
   * `'preActivation'` (default): split a fused activation off, `Dense(linear) → norm → activation`
   * (the placement of the batch-norm paper). `'postActivation'`: `Dense(act) → norm`.
   */
  position?: 'preActivation' | 'postActivation';
  /** Options passed to every inserted layer (e.g. `{groups: 8}`); `name` is chosen per layer. */
  options?: BatchNormalizationArgs | LayerNormalizationArgs | GroupNormalizationArgs | RmsNormalizationArgs;
  /** Also normalize layers whose output is a model output (usually the classifier). Default false. */
  includeOutputLayers?: boolean;
}

const WHERE = 'insertNormalization';
const KINDS: readonly InsertedNormalizationKind[] = ['batch', 'layer', 'group', 'rms'];
/** Checks the options of each kind's layer, naming `insertNormalization` in errors. */
const SETTINGS: Record<InsertedNormalizationKind, (where: string, args: unknown) => unknown> = {
  batch: batchNormalizationSettings,
  layer: layerNormalizationSettings,
  group: groupNormalizationSettings,
  rms: rmsNormalizationSettings,
};
/** Layers that get a normalization layer after them. */
const KERNEL_LAYER_CLASSES = ['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose'];

function createNormalization(kind: InsertedNormalizationKind, args: Record<string, unknown>): tf.layers.Layer {
  switch (kind) {
    case 'batch':
      return new BatchNormalization(args);
    case 'layer':
      return new LayerNormalization(args);
    case 'group':
      return new GroupNormalization(args);
    case 'rms':
      return new RmsNormalization(args);
  }
}

/**
 * Rebuilds an existing Sequential or functional model (MLP or CNN) with a normalization layer
 * inserted after every Dense/Conv layer, copying every existing weight (nothing is re-initialized).
 *
 * The graph is re-created with the functional API, layer by layer in topological order: each
 * layer is re-created from its config, applied to the mapped inputs, and given the original
 * layer's weights with `setWeights`. With `position: 'preActivation'` a fused activation is split
 * off: `Dense({activation: 'sigmoid'})` becomes `Dense(linear) → norm → Activation('sigmoid')`.
 * Layers producing a model output are left alone unless `includeOutputLayers`. Channels-first
 * convolutions normalize axis 1 unless `options.axis` says otherwise. Returns a new functional
 * `tf.LayersModel` (uncompiled); the original model is not modified. Inserted layers are named
 * `<layer>_<kind>_norm`.
 *
 * Source: the batch-normalization placement of Ioffe & Szegedy 2015 (pre-activation); the
 * post-activation variant is common in practice.
 *
 * @example
 * const normalized = insertNormalization(model, {kind: 'batch'});
 * normalized.compile({optimizer: 'adam', loss: 'categoricalCrossentropy'});
 */
export function insertNormalization(model: tf.LayersModel, options: InsertNormalizationOptions): tf.LayersModel {
  requireModel(WHERE, 'model', model);
  if (options === undefined) invalidOption(WHERE, 'options', "an object with a kind such as { kind: 'batch' }", options);
  const opts = requireOptions<InsertNormalizationOptions>(WHERE, options, ['kind', 'position', 'options', 'includeOutputLayers']);
  const kind = requireOneOf(WHERE, 'kind', opts.kind, KINDS);
  const position = requireOneOf(WHERE, 'position', opts.position ?? 'preActivation', ['preActivation', 'postActivation'] as const);
  const layerOptions = { ...(opts.options ?? {}) } as Record<string, unknown>;
  if ('name' in layerOptions) invalidOption(WHERE, 'options.name', 'absent (names are chosen per layer)', layerOptions['name']);
  SETTINGS[kind](WHERE, opts.options);
  const includeOutputLayers = requireBoolean(WHERE, 'includeOutputLayers', opts.includeOutputLayers ?? false);

  const outputLayers = new Set(model.outputs.map((output) => output.sourceLayer));
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>();
  const lookup = (tensor: tf.SymbolicTensor, layer: tf.layers.Layer) => {
    const found = mapped.get(tensor);
    if (!found) throw new Error(`${WHERE}: cannot rebuild layer '${layer.name}': its input '${tensor.name}' is not produced by an earlier layer`);
    return found;
  };
  const inputs = model.inputs.map((input) => {
    const created = tf.input({ batchShape: input.shape, dtype: input.dtype, name: input.sourceLayer.name });
    mapped.set(input, created);
    return created;
  });

  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) {
      throw new Error(`${WHERE}: layer '${layer.name}' is used ${layer.inboundNodes.length} times (shared layers are not supported)`);
    }
    const oldInputs = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
    const newInputs = Array.isArray(oldInputs) ? oldInputs.map((t) => lookup(t, layer)) : lookup(oldInputs, layer);
    const className = layer.getClassName();
    const config = layer.getConfig();
    const normalize = KERNEL_LAYER_CLASSES.includes(className) && (includeOutputLayers || !outputLayers.has(layer));
    const activation = config['activation'] as string | undefined;
    const splitActivation = normalize && position === 'preActivation' && activation != null && activation !== 'linear';
    const copy = cloneLayer(className, splitActivation ? { ...config, activation: 'linear' } : config);
    let output = copy.apply(newInputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    copy.setWeights(layer.getWeights());
    if (normalize) {
      const axis = config['dataFormat'] === 'channelsFirst' ? 1 : -1;
      const norm = createNormalization(kind, { axis, ...layerOptions, name: `${layer.name}_${kind}_norm` });
      output = norm.apply(output) as tf.SymbolicTensor;
      if (splitActivation) {
        output = tf.layers.activation({ activation: activation as 'relu', name: `${layer.name}_activation` }).apply(output) as tf.SymbolicTensor;
      }
    }
    const oldOutputs = layer.output as tf.SymbolicTensor | tf.SymbolicTensor[];
    if (Array.isArray(oldOutputs)) oldOutputs.forEach((t, i) => mapped.set(t, (output as tf.SymbolicTensor[])[i]!));
    else mapped.set(oldOutputs, output as tf.SymbolicTensor);
  }
  const outputs = model.outputs.map((output) => lookup(output, output.sourceLayer as tf.layers.Layer));
  return tf.model({ inputs, outputs, name: `${model.name}_normalized` });
}
