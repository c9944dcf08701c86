import * as tf from '@tensorflow/tfjs';
import { CLASSES, PIXELS } from './digit-set.js';

/** Options for `postNormResidualMlp`. */
export interface PostNormNetworkOptions {
  /** Residual blocks. */
  depth: number;
  /** Units of every block (and of the stem). */
  width: number;
  /** Seed of the initializers. Default 1. */
  seed?: number;
}

/**
 * A post-norm residual MLP for digit images, the layout of the original Transformer's blocks
 * (Vaswani et al. 2017; "post-LN" in Xiong et al. 2020): a linear stem and LayerNorm, then
 * `depth` blocks `x ← LayerNorm(x + W₂·relu(W₁·x))`, then a softmax classifier. The LayerNorm
 * after each sum is what makes early Adam steps dangerous: Adam moves every weight by about the
 * learning rate from the first step, a wide layer sums thousands of such moves, and the norm that
 * follows the residual sum hands the jump on to every later block. Warmup is the usual fix.
 * He-normal for the ReLU layers, Glorot-uniform for the others, all seeded.
 *
 * @example
 * const model = postNormResidualMlp({ depth: 6, width: 512 });
 */
export function postNormResidualMlp({ depth, width, seed = 1 }: PostNormNetworkOptions): tf.LayersModel {
  let nextSeed = seed;
  const glorot = () => tf.initializers.glorotUniform({ seed: nextSeed++ });
  const input = tf.input({ shape: [PIXELS] });
  const stem = tf.layers.dense({ units: width, kernelInitializer: glorot(), name: 'stem' }).apply(input) as tf.SymbolicTensor;
  let x = tf.layers.layerNormalization({ name: 'stem_norm' }).apply(stem) as tf.SymbolicTensor;
  for (let block = 0; block < depth; block++) {
    const hidden = tf.layers
      .dense({ units: width, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: nextSeed++ }), name: `block${block}_dense1` })
      .apply(x);
    const branch = tf.layers.dense({ units: width, kernelInitializer: glorot(), name: `block${block}_dense2` }).apply(hidden);
    const sum = tf.layers.add({ name: `block${block}_add` }).apply([x, branch as tf.SymbolicTensor]);
    x = tf.layers.layerNormalization({ name: `block${block}_norm` }).apply(sum) as tf.SymbolicTensor;
  }
  const output = tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: glorot(), name: 'classifier' }).apply(x);
  return tf.model({ inputs: input, outputs: output as tf.SymbolicTensor, name: 'post_norm_residual_mlp' });
}
