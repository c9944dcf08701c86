import { invalidOption, requireInteger, requireOptions } from '@gs/core';

/** DeepNorm's two constants for one stack of layers. */
export interface DeepNormConstants {
  /** Multiplies the shortcut before the post-sum LayerNorm: `x ← LN(α·x + G(x))`. */
  alpha: number;
  /** Gain of the Xavier initialization of the branch's feed-forward, value and output projections. */
  beta: number;
}

/** Options of `deepNorm`: the number of layers (blocks) N of the encoder and M of the decoder. */
export interface DeepNormOptions {
  /** N, the number of encoder layers (blocks); an integer. Omit for a decoder-only stack. */
  encoderLayers?: number;
  /** M, the number of decoder layers (blocks); an integer. Omit for an encoder-only stack. */
  decoderLayers?: number;
}

/**
 * DeepNorm constants for a post-LayerNorm residual network of N encoder and/or M decoder layers,
 * which bound the model update so very deep post-LN stacks train stably.
 *
 * Formulas (Wang et al. 2022, Figure 2 / Table 1):
 * - encoder only (N layers): α = (2N)^¼, β = (8N)^−¼;
 * - decoder only (M layers): α = (2M)^¼, β = (8M)^−¼;
 * - encoder–decoder: encoder α = 0.81·(N⁴M)^1/16, β = 0.87·(N⁴M)^−1/16;
 *   decoder α = (3M)^¼, β = (12M)^−¼.
 * Use: every block computes `LN(α·x + G(x))` (`residual(x, branch, { shortcutScale: alpha,
 * postNorm: 'layerNormalization' })`) and the branch weights are Xavier-initialised with gain β
 * (`varianceScaling({scale: β², mode: 'fanAvg'})`). `residualMlp({deepNorm: true})` does both.
 *
 * Source: Wang et al. 2022, "DeepNet: Scaling Transformers to 1,000 Layers".
 *
 * @example
 * deepNorm({ encoderLayers: 6 });                    // { alpha: 1.8612, beta: 0.3799 }
 * deepNorm({ encoderLayers: 6, decoderLayers: 6 });  // { encoder: {...}, decoder: {...} }
 */
export function deepNorm(options: { encoderLayers: number; decoderLayers?: undefined }): DeepNormConstants;
export function deepNorm(options: { encoderLayers?: undefined; decoderLayers: number }): DeepNormConstants;
export function deepNorm(options: { encoderLayers: number; decoderLayers: number }): {
  /** Constants for the encoder: α = 0.81·(N⁴M)^1/16, β = 0.87·(N⁴M)^−1/16. */
  encoder: DeepNormConstants;
  /** Constants for the decoder: α = (3M)^¼, β = (12M)^−¼. */
  decoder: DeepNormConstants;
};
export function deepNorm(
  options: DeepNormOptions,
): DeepNormConstants | { encoder: DeepNormConstants; decoder: DeepNormConstants } {
  if (options === undefined) invalidOption('deepNorm', 'options', 'an object such as { encoderLayers: 6 }', options);
  const { encoderLayers, decoderLayers } = requireOptions<DeepNormOptions>('deepNorm', options, ['encoderLayers', 'decoderLayers']);
  if (encoderLayers === undefined && decoderLayers === undefined) {
    invalidOption('deepNorm', 'encoderLayers', 'an integer ≥ 1 (or give decoderLayers, or both)', encoderLayers);
  }
  if (encoderLayers !== undefined) requireInteger('deepNorm', 'encoderLayers', encoderLayers);
  if (decoderLayers !== undefined) requireInteger('deepNorm', 'decoderLayers', decoderLayers);
  if (encoderLayers !== undefined && decoderLayers !== undefined) {
    const product = encoderLayers ** 4 * decoderLayers;
    return {
      encoder: { alpha: 0.81 * product ** (1 / 16), beta: 0.87 * product ** (-1 / 16) },
      decoder: { alpha: (3 * decoderLayers) ** (1 / 4), beta: (12 * decoderLayers) ** (-1 / 4) },
    };
  }
  const layers = (encoderLayers ?? decoderLayers)!;
  return { alpha: (2 * layers) ** (1 / 4), beta: (8 * layers) ** (-1 / 4) };
}
