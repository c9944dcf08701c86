import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInteger, requireModel, requireOptions, requireTensor } from '@gs/core';
import { formatNumber } from './detector.js';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';

/** Options of `jacobianSpectrum`. */
export interface JacobianSpectrumOptions {
  /** Use only the first `examples` rows of the batch. Default: all. */
  examples?: number;
}

/** The singular values of a model's input–output Jacobian over a batch. */
export interface JacobianSpectrum {
  /** Every singular value s of every example's Jacobian (min(inputs, outputs) per example), ascending. */
  readonly singularValues: readonly number[];
  /** Mean of s² over all of them: ‖J‖_F² / min(inputs, outputs), averaged over examples (1 under dynamical isometry). */
  readonly meanSquaredSingularValue: number;
  /** Variance of s² (the spread of the spectrum of JJᵀ; 0 under perfect dynamical isometry). */
  readonly squaredSingularValueVariance: number;
  /** Smallest singular value. */
  readonly minSingularValue: number;
  /** Largest singular value. */
  readonly maxSingularValue: number;
  /** Number of input features (all axes but the batch axis, flattened). */
  readonly inputSize: number;
  /** Number of output values per example. */
  readonly outputSize: number;
  /** Examples measured. */
  readonly examples: number;
  /** A one-line summary. */
  readonly text: string;
}

/** The largest Gram matrix side measured (the host eigen-solver is O(n³) per example). */
const MAX_SIDE = 512;

/**
 * Measures dynamical isometry: the singular values of the input–output Jacobian J = ∂y/∂x of
 * `model` at each example of `batch` (Pennington, Schoenholz & Ganguli 2017). A network is
 * dynamically isometric when all singular values are near 1 — then gradients neither vanish nor
 * explode through it at any depth; mean-field criticality (χ₁ = 1) only fixes their mean square.
 *
 * Method: one backward pass per output value (tf.grad of Σ_batch y_k gives row k of every example's
 * J), then for each example the Gram matrix JJᵀ or JᵀJ (whichever is smaller) on the device, one
 * async readback, and its eigenvalues s² on the host (cyclic Jacobi). Runs outside training; works
 * on every backend (no synchronous reads). Models with one input and one output; the smaller side
 * of J may be at most 512.
 *
 * Formulas: mean s² = mean over examples of ‖J‖_F² / min(m, n); spread = Var(s²).
 * Defaults: every example of the batch.
 *
 * @example
 * const spectrum = await jacobianSpectrum(model, xs.slice(0, 32));
 * console.log(spectrum.text); // mean s² 1.02, Var(s²) 0.31, s in [0.41, 1.9] over 32 examples
 * Source: Pennington et al. 2017, "Resurrecting the sigmoid in deep learning through dynamical
 * isometry"; Saxe et al. 2014 (orthogonal linear chains have J = a product of orthogonal matrices).
 */
export async function jacobianSpectrum(
  model: tf.LayersModel,
  batch: tf.Tensor,
  options: JacobianSpectrumOptions = {},
): Promise<JacobianSpectrum> {
  const where = 'jacobianSpectrum';
  requireModel(where, 'model', model);
  requireTensor(where, 'batch', batch);
  const opts = requireOptions<JacobianSpectrumOptions>(where, options, ['examples']);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    invalidOption(where, 'model', 'a model with one input and one output', model);
  }
  const expected = model.inputs[0]!.shape;
  if (batch.rank !== expected.length || expected.some((size, axis) => axis > 0 && size != null && size !== batch.shape[axis])) {
    throw new RangeError(
      `${where}: batch must be shaped like the model's input [${expected.map((size) => size ?? 'n').join(', ')}], got [${batch.shape.join(', ')}]`,
    );
  }
  const available = batch.shape[0]!;
  const examples = opts.examples === undefined ? available : requireInteger(where, 'examples', opts.examples);
  if (examples > available) invalidOption(where, 'examples', `at most the batch size ${available}`, examples);
  const inputSize = batch.size / available;
  const outputSize = model.outputs[0]!.shape.slice(1).reduce<number>((product, size) => product * (size ?? 1), 1);
  const side = Math.min(inputSize, outputSize);
  if (side > MAX_SIDE) {
    invalidOption(where, 'model', `a model whose input or output has at most ${MAX_SIDE} values per example`, model);
  }
  const grams = tf.tidy(() => {
    const xs = tf.reshape(batch.slice(0, examples), [examples, inputSize]).toFloat();
    const forward = (flat: tf.Tensor) => tf.reshape(model.apply(tf.reshape(flat, [examples, ...batch.shape.slice(1)]), { training: false }) as tf.Tensor, [examples, outputSize]);
    const rows = Array.from({ length: outputSize }, (_, k) => tf.grad((flat: tf.Tensor) => tf.sum(tf.slice(forward(flat), [0, k], [examples, 1])))(xs));
    const jacobian = tf.stack(rows, 1) as tf.Tensor3D; // [examples, outputs, inputs]
    return outputSize <= inputSize ? tf.matMul(jacobian, jacobian, false, true) : tf.matMul(jacobian, jacobian, true, false);
  });
  const values = await grams.data();
  grams.dispose();
  const squared: number[] = [];
  for (let example = 0; example < examples; example++) {
    const gram = values.subarray(example * side * side, (example + 1) * side * side);
    squared.push(...symmetricEigenvalues(gram, side).map((value) => Math.max(0, value)));
  }
  const mean = squared.reduce((sum, value) => sum + value, 0) / squared.length;
  const variance = squared.reduce((sum, value) => sum + (value - mean) ** 2, 0) / squared.length;
  const singularValues = squared.map(Math.sqrt).sort((a, b) => a - b);
  const minSingularValue = singularValues[0]!;
  const maxSingularValue = singularValues[singularValues.length - 1]!;
  return {
    singularValues,
    meanSquaredSingularValue: mean,
    squaredSingularValueVariance: variance,
    minSingularValue,
    maxSingularValue,
    inputSize,
    outputSize,
    examples,
    text:
      `mean s² ${formatNumber(mean)}, Var(s²) ${formatNumber(variance)}, s in [${formatNumber(minSingularValue)}, ${formatNumber(maxSingularValue)}] ` +
      `over ${examples} examples (J is ${outputSize}×${inputSize})`,
  };
}
