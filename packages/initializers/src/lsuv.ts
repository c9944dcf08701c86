import * as tf from '@tensorflow/tfjs';
import { requireBatch, requireInteger, requireModel, requireOptions, requirePositive } from '@gs/core';
import { initialize } from './initialize.js';
import { seedOption } from './validate-seed.js';

/** Options of `lsuv`. */
export interface LsuvOptions {
  /** Stop rescaling a layer once |Var − 1| ≤ tolerance. Default 0.1. */
  tolerance?: number;
  /** Rescaling rounds per layer at most. Default 10. */
  maxIterations?: number;
  /** Seed of the orthogonal pre-initialization (parameter `i` gets `seed + i`). Default: fresh seeds. */
  seed?: number | null;
}

/** What `lsuv` reached in one layer. */
export interface LsuvLayerResult {
  /** Name of the tfjs layer whose kernel was rescaled. */
  readonly layerName: string;
  /** Variance of the layer's pre-activation output on the batch after the last rescaling. */
  readonly variance: number;
  /** Rescaling rounds used. */
  readonly iterations: number;
  /** Whether |variance − 1| ≤ tolerance. */
  readonly converged: boolean;
}

type LayerWithActivation = tf.layers.Layer & { activation?: unknown };

/**
 * Layer-sequential unit-variance initialization (Mishkin & Matas 2016): re-initialize the model
 * orthogonally (`initialize(model, 'orthogonal')`, biases 0), then, for each layer with a kernel
 * from input to output, run `batch` through the model and divide the kernel by `√Var(output)` until
 * `|Var − 1| ≤ tolerance` or `maxIterations` rescalings were made. The output measured is the
 * layer's pre-activation (the layer applied with its activation replaced by linear, as PyTorch/fastai
 * LSUV hooks read `Linear`/`Conv` outputs), so saturating activations (tanh, sigmoid) do not stop
 * convergence. Returns the variance each layer reached.
 *
 * A one-off procedure before training, not a training step: it reads activations back with
 * `await data()` (one scalar per round). Works for Sequential and functional models whose kernel
 * layers are called once.
 *
 * Defaults: tolerance 0.1, maxIterations 10, fresh seeds.
 *
 * @example
 * const variances = await lsuv(model, xs.slice(0, 256), { seed: 1 });
 * console.table(variances);
 * Source: D. Mishkin & J. Matas, "All you need is a good init", ICLR 2016.
 */
export async function lsuv(model: tf.LayersModel, batch: tf.Tensor | tf.Tensor[], options: LsuvOptions = {}): Promise<LsuvLayerResult[]> {
  const where = 'lsuv';
  requireModel(where, 'model', model);
  const inputs = [requireBatch(where, 'batch', batch, model)].flat();
  const opts = requireOptions<LsuvOptions>(where, options, ['tolerance', 'maxIterations', 'seed'], { nullable: ['seed'] });
  const tolerance = opts.tolerance === undefined ? 0.1 : requirePositive(where, 'tolerance', opts.tolerance);
  const maxIterations = opts.maxIterations === undefined ? 10 : requireInteger(where, 'maxIterations', opts.maxIterations, 0);
  const seed = seedOption(where, opts.seed);

  initialize(model, 'orthogonal', { seed });
  const linear = linearActivation();
  const results: LsuvLayerResult[] = [];
  for (const layer of kernelLayers(model)) {
    const kernel = layer.weights.find((weight) => /(^|\/)kernel(_\d+)?$/.test(weight.originalName ?? weight.name))!;
    const probe = layerInputModel(model, layer);
    const measure = async (): Promise<number> => {
      const variance = tf.tidy(() => {
        const layerInput = probe ? (probe.predict(inputs.length === 1 ? inputs[0]! : inputs) as tf.Tensor) : inputs[0]!;
        const withActivation = layer as LayerWithActivation;
        const saved = withActivation.activation;
        if (saved !== undefined) withActivation.activation = linear;
        try {
          return tf.moments(layer.apply(layerInput) as tf.Tensor).variance;
        } finally {
          if (saved !== undefined) withActivation.activation = saved;
        }
      });
      const value = (await variance.data())[0]!;
      variance.dispose();
      return value;
    };
    let variance = await measure();
    let iterations = 0;
    while (Math.abs(variance - 1) > tolerance && iterations < maxIterations) {
      if (!(variance > 0) || !Number.isFinite(variance)) {
        throw new Error(`${where}: layer ${layer.name} has output variance ${variance} on this batch; cannot rescale it to 1`);
      }
      const scaled = tf.tidy(() => tf.div(kernel.read(), Math.sqrt(variance)));
      kernel.write(scaled);
      scaled.dispose();
      iterations++;
      variance = await measure();
    }
    results.push({ layerName: layer.name, variance, iterations, converged: Math.abs(variance - 1) <= tolerance });
  }
  return results;
}

/** Layers with a `kernel` weight, input to output, nested models flattened. */
function kernelLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const found: tf.layers.Layer[] = [];
  const visit = (layer: tf.layers.Layer) => {
    const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(nested) && nested.length > 0 && layer instanceof tf.LayersModel) {
      nested.forEach(visit);
    } else if (layer.weights.some((weight) => /(^|\/)kernel(_\d+)?$/.test(weight.originalName ?? weight.name))) {
      found.push(layer);
    }
  };
  model.layers.forEach(visit);
  return found;
}

/** A model from the model's inputs to `layer`'s input, or null when that input is a model input. */
function layerInputModel(model: tf.LayersModel, layer: tf.layers.Layer): tf.LayersModel | null {
  const input = layer.input;
  if (Array.isArray(input)) throw new RangeError(`lsuv: layer ${layer.name} has several inputs; only single-input kernel layers are supported`);
  if (model.inputs.includes(input)) return null;
  return tf.model({ inputs: model.inputs, outputs: input });
}

/** tfjs's registered linear activation object (what `activation: 'linear'` resolves to). */
function linearActivation(): unknown {
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['linear']!;
  return fromConfig(cls, {});
}
