import * as tf from '@tensorflow/tfjs';
import type { LayerGroup } from './layer-groups.js';

/** Activations whose flat regions make gradients vanish. */
export const SATURATING_ACTIVATIONS: readonly string[] = ['sigmoid', 'tanh'];
/** Activations whose units can die (output 0 for every input). */
export const RECTIFIED_ACTIVATIONS: readonly string[] = ['relu', 'relu6'];

/**
 * On-device statistics of the probe batch. `mean`/`std` have one entry per layer in
 * `probe.measured`, `saturatedFraction` one per layer in `probe.saturating`, `deadFraction` one
 * per layer in `probe.rectified` (absent when that list is empty).
 */
export interface ActivationTensors {
  mean: tf.Tensor1D;
  std: tf.Tensor1D;
  saturatedFraction?: tf.Tensor1D;
  deadFraction?: tf.Tensor1D;
}

function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((size) => (size == null ? 'n' : size)).join(', ')}]`;
}

/**
 * Checks that `probe` fits the model's (single) input: same rank, same sizes except the batch.
 * Throws an error naming the option and both shapes.
 */
export function validateProbe(where: string, model: tf.LayersModel, probe: tf.Tensor): void {
  if (model.inputs.length !== 1) {
    throw new RangeError(`${where}: probe supports models with one input, this model has ${model.inputs.length}`);
  }
  const expected = model.inputs[0]!.shape;
  const matches =
    probe.rank === expected.length && expected.every((size, axis) => axis === 0 || size == null || size === probe.shape[axis]);
  if (!matches || probe.shape[0] === 0) {
    throw new RangeError(
      `${where}: probe must be a batch shaped like the model's input ${describeShape(expected)}, got [${probe.shape.join(', ')}]`,
    );
  }
}

/**
 * A model sharing `model`'s weights whose outputs are the outputs of every layer group that has a
 * single output tensor (nested and shared layers are skipped), in the groups' (forward) order.
 */
export function layerOutputs(model: tf.LayersModel, groups: readonly LayerGroup[]): { outputsModel: tf.LayersModel; measured: LayerGroup[] } {
  const outputs: tf.SymbolicTensor[] = [];
  const measured: LayerGroup[] = [];
  for (const group of groups) {
    let output: tf.SymbolicTensor | tf.SymbolicTensor[];
    try {
      output = model.getLayer(group.name).output;
    } catch {
      continue; // nested or shared layer: no single output to probe
    }
    if (Array.isArray(output)) continue;
    outputs.push(output);
    measured.push(group);
  }
  if (outputs.length === 0) throw new Error('monitor: probe found no layer outputs to measure in this model');
  return { outputsModel: tf.model({ inputs: model.inputs, outputs }), measured };
}

/**
 * Runs a probe batch through a model and measures every layer group's output: mean, standard
 * deviation, saturated fraction (sigmoid/tanh: local derivative below `saturationLevel` × its
 * maximum, i.e. y(1−y)/0.25 or 1−y²) and dead fraction (relu: units that are 0 for every example).
 * Built once (an intermediate model sharing the weights); `measure` runs on the device only.
 */
export class ActivationProbe {
  private readonly probeModel: tf.LayersModel;
  /** Names of the layers whose output the probe measures, in the order of the recorded vectors. */
  readonly measured: readonly string[];
  /** The measured layers with a sigmoid/tanh activation. */
  readonly saturating: readonly string[];
  /** The measured layers with a relu/relu6 activation. */
  readonly rectified: readonly string[];
  private readonly activations: readonly (string | undefined)[];

  constructor(
    model: tf.LayersModel,
    groups: readonly LayerGroup[],
    private readonly probe: tf.Tensor,
    private readonly saturationLevel: number,
  ) {
    const { outputsModel, measured } = layerOutputs(model, groups);
    this.probeModel = outputsModel;
    this.measured = measured.map((group) => group.name);
    this.activations = measured.map((group) => group.activation);
    this.saturating = measured.filter((group) => SATURATING_ACTIVATIONS.includes(group.activation ?? '')).map((group) => group.name);
    this.rectified = measured.filter((group) => RECTIFIED_ACTIVATIONS.includes(group.activation ?? '')).map((group) => group.name);
  }

  /** 1 when every value of the probe batch is finite, else 0 (on the device). */
  inputFinite(): tf.Scalar {
    return tf.cast(tf.all(tf.isFinite(this.probe)), 'float32') as tf.Scalar;
  }

  /** The probe's root mean square sqrt(mean(x²)) (≈ 1 for standardized features; ~100 for raw 0–255 pixels). */
  inputScale(): tf.Scalar {
    return tf.sqrt(tf.mean(tf.square(tf.cast(this.probe, 'float32')))) as tf.Scalar;
  }

  /** Per-layer statistics of the probe batch at the current weights (call inside a tidy). */
  measure(): ActivationTensors {
    const produced = this.probeModel.apply(this.probe, { training: false });
    const outputs = (Array.isArray(produced) ? produced : [produced]) as tf.Tensor[];
    const mean: tf.Scalar[] = [];
    const std: tf.Scalar[] = [];
    const saturated: tf.Scalar[] = [];
    const dead: tf.Scalar[] = [];
    outputs.forEach((output, index) => {
      const y = tf.cast(output, 'float32');
      const moments = tf.moments(y);
      mean.push(moments.mean as tf.Scalar);
      std.push(tf.sqrt(moments.variance) as tf.Scalar);
      const activation = this.activations[index];
      if (activation === 'sigmoid' || activation === 'tanh') saturated.push(saturatedFraction(y, activation, this.saturationLevel));
      if (RECTIFIED_ACTIVATIONS.includes(activation ?? '')) dead.push(deadFraction(y));
    });
    return {
      mean: tf.stack(mean) as tf.Tensor1D,
      std: tf.stack(std) as tf.Tensor1D,
      ...(saturated.length ? { saturatedFraction: tf.stack(saturated) as tf.Tensor1D } : {}),
      ...(dead.length ? { deadFraction: tf.stack(dead) as tf.Tensor1D } : {}),
    };
  }
}

/** Fraction of outputs where the activation's derivative is below `level` × its maximum. */
function saturatedFraction(y: tf.Tensor, activation: 'sigmoid' | 'tanh', level: number): tf.Scalar {
  const relativeDerivative = activation === 'sigmoid' ? tf.div(tf.mul(y, tf.sub(1, y)), 0.25) : tf.sub(1, tf.square(y));
  return tf.mean(tf.cast(tf.less(relativeDerivative, level), 'float32')) as tf.Scalar;
}

/** Fraction of units (last axis) whose value is ≤ 0 for every example and position. */
function deadFraction(y: tf.Tensor): tf.Scalar {
  const units = y.shape[y.rank - 1]!;
  const flat = tf.reshape(y, [-1, units]);
  const alive = tf.cast(tf.greater(tf.max(flat, 0), 0), 'float32');
  return tf.sub(1, tf.mean(alive)) as tf.Scalar;
}
