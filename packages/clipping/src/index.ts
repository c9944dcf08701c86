export { adaptiveClip, excludeOutputLayer, unitwiseNorm, type AdaptiveClipOptions, type ParamSelector } from './adaptive-clip.js';
export { autoClip, percentileOfSorted, type AutoClipOptions } from './auto-clip.js';
export { clipByBlockRms } from './clip-by-block-rms.js';
export { clipByGlobalNorm } from './clip-by-global-norm.js';
export { clipByNorm } from './clip-by-norm.js';
export { clipByValue } from './clip-by-value.js';
export {
  clipGradsByGlobalNorm,
  globalNorm,
  globalNormScale,
  type ClippedGradients,
  type GlobalNormOptions,
  type NormType,
} from './global-norm.js';
export {
  nonFinite,
  type NonFiniteOptions,
  type NonFinitePlugin,
  type NonFinitePolicy,
  type NonFiniteStats,
} from './non-finite.js';
export { zClip, type ZClipOptions, type ZClipTarget } from './z-clip.js';
