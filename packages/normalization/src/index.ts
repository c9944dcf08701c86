export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
export { GroupNormalization, groupNormalization, type GroupNormalizationArgs } from './group-normalization.js';
export {
  insertNormalization,
  type InsertNormalizationOptions,
  type InsertedNormalizationKind,
} from './insert-normalization.js';
export { KernelWrapper, WRAPPABLE_LAYER_CLASSES, type KernelWrapperArgs } from './kernel-wrapper.js';
export type { BaseLayerArgs, CallKwargs } from './layer-args.js';
export { LayerNormalization, layerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';
export { RmsNormalization, rmsNormalization, type RmsNormalizationArgs } from './rms-normalization.js';
export {
  SpectralNormalization,
  spectralNormalization,
  type SpectralNormalizationOptions,
} from './spectral-normalization.js';
export {
  WeightNormalization,
  weightNormalization,
  type WeightNormalizationOptions,
} from './weight-normalization.js';
export {
  WeightStandardization,
  weightStandardization,
  type WeightStandardizationOptions,
} from './weight-standardization.js';
