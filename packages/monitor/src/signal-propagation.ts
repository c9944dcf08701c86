import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireBatch, requireInteger, requireModel, requireOptions } from '@gs/core';
import { formatNumber } from './detector.js';

/** Forward and backward signal of one layer. */
export interface LayerSignal {
  /** The layer's name. */
  readonly name: string;
  /** Position among the model's layers (input layer excluded), 0 nearest the input. */
  readonly depth: number;
  /** The layer's class, e.g. `Dense`. */
  readonly layerClass: string;
  /** Variance of the layer's output over the batch (all elements). */
  readonly forwardVariance: number;
  /** Variance of ∂L/∂(layer output) when the model output receives unit-variance random gradients. */
  readonly backwardVariance: number;
}

/** The result of `signalPropagation`. */
export interface SignalPropagation {
  /** Variance of the input batch. */
  readonly inputVariance: number;
  /** One entry per layer, input first. */
  readonly layers: readonly LayerSignal[];
  /** A readable table. */
  readonly text: string;
}

/** Options for `signalPropagation`. */
export interface SignalPropagationOptions {
  /** Seed of the random output gradient. Default 0. */
  seed?: number;
}

function chainLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  layers.forEach((layer, index) => {
    const nodes = (layer as unknown as { inboundNodes: Array<{ inboundLayers: tf.layers.Layer[] }> }).inboundNodes;
    const inbound = nodes.length === 1 ? nodes[0]!.inboundLayers : [];
    const previous = index === 0 ? undefined : layers[index - 1];
    const chained = inbound.length === 1 && (previous ? inbound[0] === previous : inbound[0]!.getClassName() === 'InputLayer');
    if (!chained && !(index === 0 && model instanceof tf.Sequential)) {
      throw new RangeError(
        `signalPropagation: model must be a chain of layers (Sequential or functional without branches); layer ${layer.name} is not fed by the previous layer only`,
      );
    }
  });
  return layers;
}

/**
 * Measures how a signal travels through a model at its current weights — the one-off diagnostic
 * to run at initialization: the variance of every layer's output on `batch` (forward), and the
 * variance of the gradient reaching every layer's output when the model's output receives a
 * unit-variance random gradient r ~ N(0, 1), i.e. L = Σ y·r (backward). Healthy initializations
 * keep both roughly constant with depth; vanishing/exploding shows as geometric decay/growth.
 * Runs outside training (may await one readback). Supports chain-shaped models (Sequential, or
 * functional without branches).
 *
 * Formulas: forward_l = Var(h_l); backward_l = Var(∂(Σ y ⊙ r)/∂h_l), r ~ N(0, 1).
 * Defaults: seed 0. Source: Glorot & Bengio 2010 (forward/backward variance analysis); He et al. 2015.
 *
 * @example
 * const signal = await signalPropagation(model, xs.slice(0, 128));
 * console.log(signal.text);
 */
export async function signalPropagation(
  model: tf.LayersModel,
  batch: tf.Tensor,
  options: SignalPropagationOptions = {},
): Promise<SignalPropagation> {
  const where = 'signalPropagation';
  requireModel(where, 'model', model);
  if (model.inputs.length !== 1) invalidOption(where, 'model', 'a model with one input', model);
  requireBatch(where, 'batch', batch, model);
  const opts = requireOptions<SignalPropagationOptions>(where, options, ['seed']);
  const seed = requireInteger(where, 'seed', opts.seed ?? 0, 0);
  const layers = chainLayers(model);
  const expected = model.inputs[0]!.shape;
  if (batch.rank !== expected.length || expected.some((size, axis) => axis > 0 && size != null && size !== batch.shape[axis])) {
    throw new RangeError(
      `${where}: batch must be shaped like the model's input [${expected.map((size) => size ?? 'n').join(', ')}], got [${batch.shape.join(', ')}]`,
    );
  }
  const variances = tf.tidy(() => {
    const forwardOutputs: tf.Tensor[] = [];
    let signal = batch;
    for (const layer of layers) {
      signal = layer.apply(signal, { training: false }) as tf.Tensor;
      forwardOutputs.push(signal);
    }
    const outputGradient = tf.randomNormal(signal.shape, 0, 1, 'float32', seed);
    // Zero perturbations added to every layer's output: the gradient with respect to each is the
    // gradient with respect to that layer's output, all from one backward pass.
    const perturbations = forwardOutputs.map((output) => tf.zerosLike(output));
    const gradients = tf.grads((...added: tf.Tensor[]) => {
      let h = batch;
      layers.forEach((layer, index) => {
        h = tf.add(layer.apply(h, { training: false }) as tf.Tensor, added[index]!);
      });
      return tf.sum(tf.mul(h, outputGradient));
    })(perturbations);
    const variance = (t: tf.Tensor) => tf.moments(tf.cast(t, 'float32')).variance;
    return tf.stack([variance(batch), ...forwardOutputs.map(variance), ...gradients.map(variance)]);
  });
  const values = await variances.data();
  variances.dispose();
  const count = layers.length;
  const result = layers.map((layer, depth) => ({
    name: layer.name,
    depth,
    layerClass: layer.getClassName(),
    forwardVariance: values[1 + depth]!,
    backwardVariance: values[1 + count + depth]!,
  }));
  const text = [
    `${'depth'.padStart(5)} ${'layer'.padEnd(24)} ${'forward var'.padStart(12)} ${'backward var'.padStart(12)}`,
    `${'in'.padStart(5)} ${'(input)'.padEnd(24)} ${formatNumber(values[0]!).padStart(12)}`,
    ...result.map(
      (layer) =>
        `${String(layer.depth).padStart(5)} ${layer.name.slice(0, 24).padEnd(24)} ${formatNumber(layer.forwardVariance).padStart(12)} ${formatNumber(layer.backwardVariance).padStart(12)}`,
    ),
  ].join('\n');
  return { inputVariance: values[0]!, layers: result, text };
}
