import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireBatch, requireModel } from '@gs/core';
import { layerOutputs } from './activation-probe.js';
import { requireArray } from './argument-checks.js';
import type { LayerGroup } from './layer-groups.js';

/** What `traceNonFinite` found. */
export interface NonFiniteTrace {
  /** Whether every input value is finite. */
  readonly inputFinite: boolean;
  /** The first layer (forward order) with a non-finite output; absent when every output is finite. */
  readonly layer?: string;
}

/**
 * Runs `inputs` through `model` and names the first layer, in forward order, whose output has a
 * NaN/Inf — the layer where a non-finite forward pass starts. One async readback; meant for after
 * an event, outside any training step. (On wasm, ReLU can turn the NaN of Inf − Inf into 0 in a
 * forward pass, so an overflow can go unseen there.)
 *
 * @example
 * const { inputFinite, layer } = await traceNonFinite(model, groupByLayer(describeParams(model)), xs);
 */
export async function traceNonFinite(model: tf.LayersModel, groups: readonly LayerGroup[], inputs: tf.Tensor): Promise<NonFiniteTrace> {
  requireModel('traceNonFinite', 'model', model);
  requireArray('traceNonFinite', 'groups', groups, 'an array of layer groups (groupByLayer(describeParams(model)))');
  groups.forEach((group, index) => {
    const ok = group !== null && typeof group === 'object' && typeof group.name === 'string' && Array.isArray(group.params);
    if (!ok) invalidOption('traceNonFinite', `groups[${index}]`, 'a layer group (groupByLayer(describeParams(model)))', group);
  });
  requireBatch('traceNonFinite', 'inputs', inputs, model);
  const { outputsModel, measured } = layerOutputs(model, groups);
  const flags = tf.tidy(() => {
    const produced = outputsModel.apply(inputs, { training: false });
    const outputs = (Array.isArray(produced) ? produced : [produced]) as tf.Tensor[];
    return tf.stack([inputs, ...outputs].map((tensor) => tf.cast(tf.all(tf.isFinite(tf.cast(tensor, 'float32'))), 'float32')));
  });
  const [inputFinite, ...finite] = Array.from(await flags.data());
  flags.dispose();
  const first = finite.findIndex((value) => value === 0);
  return { inputFinite: inputFinite === 1, ...(first >= 0 ? { layer: measured[first]!.name } : {}) };
}

/** A batch of `size` N(0, 1) inputs shaped like the model's (single, float) input, or undefined. */
export function syntheticBatch(model: tf.LayersModel, size = 8, seed = 0): tf.Tensor | undefined {
  if (model.inputs.length !== 1) return undefined;
  const input = model.inputs[0]!;
  if (input.dtype !== 'float32' || input.shape.slice(1).some((dimension) => dimension == null)) return undefined;
  return tf.randomNormal([size, ...(input.shape.slice(1) as number[])], 0, 1, 'float32', seed);
}
