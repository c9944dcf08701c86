import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireInteger, requireOptions } from '@gs/core';
import { buildResidualNetwork, SHARED_OPTIONS, type ResidualNetworkOptions } from './residual-network.js';

/** Options of `residualConvNet`: those of `residualMlp` (`width` = filters) plus the kernel size. */
export interface ResidualConvNetOptions extends ResidualNetworkOptions {
  /** Square kernel size of every convolution ('same' padding). Default 3. */
  kernelSize?: number;
}

/**
 * Builds a residual ConvNet as an ordinary tfjs functional model: a Conv2D stem to `width`
 * filters, `depth` pre-activation residual blocks of `branchLayers` 'same'-padded Conv2D layers
 * (spatial size kept, so shortcuts need no projection), then activation, global average pooling
 * and a Dense head. Same options, names and variants as `residualMlp`; `inputShape` is
 * `[height, width, channels]`.
 *
 * Block i: `x ← x + g(F(norm(x)))`, `F = (σ → Conv2D k×k)^m`.
 *
 * Defaults: kernelSize 3, otherwise as `residualMlp`.
 *
 * Source: He et al. 2016, "Identity Mappings in Deep Residual Networks" (pre-activation blocks).
 *
 * @example
 * const model = residualConvNet({ inputShape: [28, 28, 1], depth: 8, width: 16, norm: 'batchNormalization', outputUnits: 10, outputActivation: 'softmax' });
 */
export function residualConvNet(options: ResidualConvNetOptions): tf.LayersModel {
  const where = 'residualConvNet';
  if (options === undefined) invalidOption(where, 'options', 'an object such as { inputShape, depth, width }', options);
  const opts = requireOptions<ResidualConvNetOptions>(where, options, [...SHARED_OPTIONS, 'kernelSize'] as (keyof ResidualConvNetOptions)[]);
  const kernelSize = requireInteger(where, 'kernelSize', opts.kernelSize ?? 3);
  if (Array.isArray(opts.inputShape) && opts.inputShape.length !== 3) {
    invalidOption(where, 'inputShape', '[height, width, channels]', opts.inputShape);
  }
  const { kernelSize: _unused, ...networkOptions } = opts as ResidualConvNetOptions;
  void _unused;
  return buildResidualNetwork(
    {
      where: 'residualConvNet',
      extraOptions: [],
      weightLayer: ({ units, name, kernelInitializer, useBias }) =>
        tf.layers.conv2d({ filters: units, kernelSize, padding: 'same', name, useBias, ...(kernelInitializer ? { kernelInitializer } : {}) }),
      stem: (input, layer) => layer('stem').apply(input) as tf.SymbolicTensor,
      beforeHead: (x, prefix) => tf.layers.globalAveragePooling2d({ name: `${prefix}pool` }).apply(x) as tf.SymbolicTensor,
    },
    networkOptions,
  );
}
