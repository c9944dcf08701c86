import * as tf from '@tensorflow/tfjs';
import { buildResidualNetwork, type ResidualNetworkOptions } from './residual-network.js';

/** Options of `residualMlp` (see `ResidualNetworkOptions` for each field and its default). */
export type ResidualMlpOptions = ResidualNetworkOptions;

/**
 * Builds a residual MLP as an ordinary tfjs functional model (it saves, loads and trains under
 * `fit`): a linear Dense stem to `width`, then `depth` pre-activation residual blocks, then an
 * activation and a Dense head.
 *
 * Block i: `x ← x + g(F(norm(x)))`, `F = (σ → Dense)^m` with m = `branchLayers` (default 2);
 * `residual: false` gives the plain network `(σ → Dense)^(depth·m)` with the same layers for
 * comparisons. Layer names: `stem`, `block<i>_branch<j>` (the Dense layers), `block<i>_gate`,
 * `block<i>_add`, `head`, with the optional `name` prefix — `fixupInit` finds branches by them.
 *
 * Defaults: branchLayers 2, activation 'relu', no norm, gate 'none', outputUnits 1, linear output,
 * tfjs's default kernel initializer (glorotNormal) unless `seed`, `fixup` or `deepNorm` is given.
 *
 * Sources: He et al. 2016 (pre-activation residual blocks); gates and depth rules as cited on
 * `reZero`, `skipInit`, `scale`, `fixupInit`, `deepNorm`.
 *
 * @example
 * const model = residualMlp({ inputShape: [784], depth: 50, width: 64, gate: 'reZero', outputUnits: 10, outputActivation: 'softmax' });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
 */
export function residualMlp(options: ResidualMlpOptions): tf.LayersModel {
  return buildResidualNetwork(
    {
      where: 'residualMlp',
      extraOptions: [],
      weightLayer: ({ units, name, kernelInitializer, useBias }) =>
        tf.layers.dense({ units, name, useBias, ...(kernelInitializer ? { kernelInitializer } : {}) }),
      stem: (input, layer) => {
        const flat = input.shape.length > 2 ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
        return layer('stem').apply(flat) as tf.SymbolicTensor;
      },
      beforeHead: (x) => x,
    },
    options,
  );
}
