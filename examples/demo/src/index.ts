// Browser-safe parts of the demo (no Node built-ins), shared with the browser example.
export {
  FULL_SIZE,
  SMALL_SIZE,
  demoConfigurations,
  type Activation,
  type ClippingName,
  type DemoSize,
  type InitializerName,
  type NormalizationName,
  type OptimizerName,
  type ResidualName,
  type RunConfiguration,
  type Scenario,
} from './configuration.js';
export { CLASSES, PIXELS, digitBatch, splitDigits, type DigitSet, type DigitSplit, type SplitOptions } from './digit-set.js';
export { GROUPS, buildModel, kernelInitializer } from './model-builder.js';
export { AGC_CLIPPING, CLIP_NORM, remedyPlugins } from './remedies.js';
export {
  runConfiguration,
  type DetectorEvent,
  type RunOptions,
  type RunResult,
  type StepRecord,
} from './run-configuration.js';
export { matrixProductNorms, randomOrthogonal, sigmoidCurve, type MatrixKind, type SigmoidCurve } from './seed-figures.js';
export { gradientHeatmapChart, layerNormsChart, lossChart, matrixProductChart, renderSvg, sigmoidChart } from './charts.js';
export { ATLAS_PLAN, BROWSER_ATLAS_PLAN, FULL_ATLAS_PLAN, atlasCells, atlasTheory, meanFieldMlp, runAtlasCell, type AtlasCell, type AtlasPlan, type AtlasResult, type AtlasTheoryPoint } from './atlas.js';
export { atlasSpec } from './atlas-chart.js';
export { testAccuracy, trainClassifier, uploadDigits, type ClassifierTrainingOptions, type ClassifierTrainingResult, type DigitTensors } from './classifier-training.js';
export { groupedBarsSpec, overlayCurvesSpec, type CurveSeries, type OverlayOptions } from './comparison-charts.js';
export { DEPTH_PLAN, FULL_DEPTH_PLAN, PLAIN_SIGMA_B2, buildDepthModel, defaultLearningRate, depthConfigurations, plainTanhMlp, runDepthRecord, type DepthConfiguration, type DepthPlan, type DepthRecord, type DepthScheme } from './depth-records.js';
