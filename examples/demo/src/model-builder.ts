import * as tf from '@tensorflow/tfjs';
import { glorotNormal, heNormal, orthogonal } from '@gs/initializers';
import { batchNormalization, groupNormalization } from '@gs/normalization';
import { residual, reZero } from '@gs/residual';
import type { InitializerName, RunConfiguration } from './configuration.js';
import { CLASSES, PIXELS } from './digit-set.js';

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Channel groups of the group-norm configurations (width must be a multiple). */
export const GROUPS = 8;

/**
 * Kernel initializer of one Dense layer. `default` is what tfjs's Dense uses when none is given
 * (glorotNormal, which in tfjs 4.22 under-scales the variance, tfjs#8594); the others come from
 * `@gs/initializers` (Keras-exact): He normal with the gain of the activation, Xavier/Glorot
 * normal, orthogonal with gain √2 for ReLU and 1 otherwise, and N(0, 1).
 */
export function kernelInitializer(name: InitializerName, activation: string, seed: number): Initializer {
  switch (name) {
    case 'default':
      return tf.initializers.glorotNormal({ seed });
    case 'he':
      return heNormal({ nonlinearity: activation, seed }) as unknown as Initializer;
    case 'xavier':
      return glorotNormal({ seed }) as unknown as Initializer;
    case 'orthogonal':
      return orthogonal({ gain: activation === 'relu' ? Math.SQRT2 : 1, seed }) as unknown as Initializer;
    case 'normal':
      return tf.initializers.randomNormal({ mean: 0, stddev: 1, seed });
  }
}

function denseLayer(config: RunConfiguration, units: number, layerIndex: number, activation: string, name: string) {
  return tf.layers.dense({
    units,
    activation: activation as 'linear',
    kernelInitializer: kernelInitializer(config.initializer, config.activation, config.seed * 1000 + layerIndex),
    name,
  });
}

function normalizationLayer(config: RunConfiguration, name: string): tf.layers.Layer {
  switch (config.normalization) {
    case 'batch':
      // Momentum 0.9 rather than 0.99: the demo's runs are a few hundred steps, too short for 0.99
      // moving statistics to warm up (inference would still use mean 0 / variance 1).
      return batchNormalization({ name, momentum: 0.9 });
    case 'group':
      return groupNormalization({ name, groups: GROUPS });
    case 'none':
      throw new Error('normalizationLayer: no normalization configured');
  }
}

/**
 * Builds the configuration's MLP for 784-pixel digits → 10 logits: `depth` hidden blocks of
 * `width` units — Dense → (normalization →) activation, wrapped as `x + α·block(x)` with a ReZero
 * gate α (starting at 0) for residual configurations, which start with a linear projection from
 * 784 to `width` — then a linear Dense output layer.
 */
export function buildModel(config: RunConfiguration): tf.LayersModel {
  const input = tf.input({ shape: [PIXELS], name: 'digits' });
  let x: tf.SymbolicTensor = input;
  let layerIndex = 0;
  if (config.residual !== 'none') {
    x = denseLayer(config, config.width, layerIndex++, 'linear', 'projection').apply(x) as tf.SymbolicTensor;
  }
  for (let i = 0; i < config.depth; i++) {
    const withNorm = config.normalization !== 'none';
    const index = layerIndex++;
    const block = (blockInput: tf.SymbolicTensor): tf.SymbolicTensor => {
      let h = denseLayer(config, config.width, index, withNorm ? 'linear' : config.activation, `hidden${i + 1}`).apply(
        blockInput,
      ) as tf.SymbolicTensor;
      if (withNorm) {
        h = normalizationLayer(config, `norm${i + 1}`).apply(h) as tf.SymbolicTensor;
        h = tf.layers.activation({ activation: config.activation as 'relu', name: `act${i + 1}` }).apply(h) as tf.SymbolicTensor;
      }
      return h;
    };
    x = config.residual === 'rezero' ? residual(x, block, { gate: reZero({ name: `rezero${i + 1}` }), projection: 'none' }) : block(x);
  }
  const logits = denseLayer(config, CLASSES, layerIndex, 'linear', 'logits').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: config.id });
}
