export type { GradientReductions } from './gradient-reductions.js';
export { OPTIMIZER_NAMES, optimizerByName, type OptimizerName } from './optimizer-by-name.js';
export { AUTOMATIC_REPORT_LAG, type FitCallback, type FitProtocol } from './fit-callback.js';
export {
  describeParams,
  describeVariables,
  requireParamInfo,
  requireParamInfos,
  roleFromName,
  type ParamInfo,
  type ParamRole,
} from './param-info.js';
export type {
  GradientMap,
  PluginReportView,
  RecordedValue,
  SetupContext,
  StabilityPlugin,
  StepContext,
  StepReport,
} from './plugin.js';
export {
  StabilizedOptimizer,
  stabilize,
  type NamedGradient,
  type StabilizeOptions,
  type StepOutcome,
  type VariableGradients,
} from './stabilized-optimizer.js';
export { selectIf } from './select-if.js';
export { FUSED_KERNELS_FLAG } from './kernel-names.js';
export { createStepContext, type StandaloneStep, type StepScopeOptions } from './step-scope.js';
export { sumOfSquares } from './sum-of-squares.js';
export { UnitLayout } from './unit-layout.js';
export { createTrainer, type Trainer, type TrainerOptions, type TrainerStepResult } from './trainer.js';
export { ACTIVATION_NAMES, LAYER_ARGUMENT_NAMES, requireActivation, requireLayerArgs } from './layer-arguments.js';
export {
  describeValue,
  invalidOption,
  rejectFactory,
  rejectUnknownOptions,
  requireArray,
  requireBatch,
  requireBoolean,
  requireFinite,
  requireFunction,
  requireInRange,
  requireInteger,
  requireLayer,
  requireModel,
  requireNonNegative,
  requireOneOf,
  requireOptimizer,
  requireOptions,
  requirePositive,
  requireShape,
  requireString,
  requireTensor,
  type RequireOptionsSettings,
} from './validate.js';
