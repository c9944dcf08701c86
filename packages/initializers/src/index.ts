export { calculateGain, gainSquared, NONLINEARITIES, type Nonlinearity } from './gain.js';
export { computeFans, type Fans } from './fans.js';
export {
  HostInitializer,
  InitializerBase,
  type Initializer,
  type InitializerConfig,
  type InitializerConstructor,
} from './host-initializer.js';
export {
  FAN_MODES,
  TRUNCATED_STDDEV_CORRECTION,
  VARIANCE_DISTRIBUTIONS,
  VarianceScaling,
  varianceScaling,
  type FanMode,
  type VarianceDistribution,
  type VarianceScalingOptions,
} from './variance-scaling.js';
export {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  type HeOptions,
  type SeedOptions,
} from './variance-scaling-presets.js';
export { Orthogonal, orthogonal, type OrthogonalOptions } from './orthogonal.js';
export { haarOrthogonal } from './haar-orthogonal.js';
export { DeltaOrthogonal, deltaOrthogonal, type DeltaOrthogonalOptions } from './delta-orthogonal.js';
export { Identity, identity, type GainOptions } from './identity.js';
export { Dirac, dirac } from './dirac.js';
export { TruncatedNormal, truncatedNormal, type TruncatedNormalOptions } from './truncated-normal.js';
export { Sparse, sparse, type SparseOptions } from './sparse.js';
export { Icnr, icnr, type IcnrOptions } from './icnr.js';
export { SeededRandom } from './random.js';
export {
  activationNonlinearity,
  initialize,
  initializePlugin,
  SCHEME_NAMES,
  schemeInitializer,
  type InitializationScheme,
  type InitializationSchemeName,
  type InitializeOptions,
  type InitializeResult,
} from './initialize.js';
export { lsuv, type LsuvLayerResult, type LsuvOptions } from './lsuv.js';
export { gaussHermite, type GaussianQuadrature } from './gauss-hermite.js';
export {
  criticalWeightVariance,
  MEAN_FIELD_ACTIVATIONS,
  meanFieldPropagation,
  type ActivationFunctions,
  type CriticalityOptions,
  type MeanFieldActivation,
  type MeanFieldActivationName,
  type MeanFieldOptions,
  type MeanFieldPhase,
  type MeanFieldPoint,
} from './mean-field.js';
