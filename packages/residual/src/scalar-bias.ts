import * as tf from '@tensorflow/tfjs';
import { requireLayerArgs, requireOptions } from '@gs/core';

/** Options of `scalarBias`. */
export interface ScalarBiasOptions {
  /** Layer name; tfjs picks one when omitted. */
  name?: string;
}

/**
 * Fixup's scalar bias: adds one learnable scalar (initialised to 0) to its input. Fixup places one
 * before each dense/conv layer and each activation inside a residual branch, and one after the
 * branch's scalar multiplier, in place of the biases normalization would have learnt.
 *
 * Formula: `y = x + b`, b scalar, trainable, b₀ = 0.
 *
 * Source: Zhang, Dauphin & Ma 2019, "Fixup Initialization: Residual Learning Without
 * Normalization", rule 3.
 *
 * @example
 * const shifted = scalarBias().apply(x) as tf.SymbolicTensor;
 */
export class ScalarBias extends tf.layers.Layer {
  /** Name under which the class is registered for `model.save` / `tf.loadLayersModel`. */
  static className = 'ScalarBias';
  private bias: tf.LayerVariable | null = null;

  constructor(config: { name?: string; [layerArgument: string]: unknown } = {}) {
    super(requireLayerArgs('scalarBias', config, []));
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    void inputShape;
    this.bias = this.addWeight('bias', [], 'float32', tf.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.bias!.read()));
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }
}
tf.serialization.registerClass(ScalarBias);

/**
 * Creates a Fixup scalar bias layer (b₀ = 0, trainable). See {@link ScalarBias}.
 *
 * @example
 * const shifted = scalarBias().apply(x) as tf.SymbolicTensor;
 */
export function scalarBias(options: ScalarBiasOptions = {}): ScalarBias {
  return new ScalarBias({ ...requireOptions<ScalarBiasOptions>('scalarBias', options, ['name']) });
}
