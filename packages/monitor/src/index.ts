// Browser-safe entry: no Node built-ins. File sinks, the console sink and SVG files are in
// '@gs/monitor/node'.
export { monitor, GradientMonitor, type HistogramOptions, type MonitorOptions } from './monitor.js';
export { MonitorHistory, type MonitorHistoryOptions } from './monitor-history.js';
export {
  rawGradientNorm,
  type ActivationStats,
  type Histogram,
  type LayerStats,
  type LossPoint,
  type MonitorRecord,
} from './monitor-record.js';
export { groupByLayer, type LayerGroup } from './layer-groups.js';
export {
  DETECTOR_ACTIONS,
  GradientAlarmError,
  SOURCE_PHRASES,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
  type NonFiniteSource,
  type Verdict,
} from './detector.js';
export { vanishingGradients, type VanishingGradientsOptions } from './vanishing-gradients.js';
export { explodingGradients, type ExplodingGradientsOptions } from './exploding-gradients.js';
export { nonFiniteOrigin, nonFiniteValues, type NonFiniteOrigin, type NonFiniteValuesOptions } from './non-finite-values.js';
export { learningRate, type LearningRateOptions } from './learning-rate.js';
export {
  describeArchitecture,
  GATE_CLASSES,
  layerKind,
  NORMALIZATION_CLASSES,
  type LayerArchitecture,
  type LayerKind,
  type ModelArchitecture,
} from './model-architecture.js';
export { activationGain, amplification, initialLayerWeights, type InitialLayerWeights } from './initial-weights.js';
export { traceNonFinite, type NonFiniteTrace } from './trace-non-finite.js';
export { remedyText, type Remedy, type RemedyId } from './remedy.js';
export { optimizerCall, rankRemedies, REMEDY_IDS, type OptimizerSettings, type TrainingSetup } from './rank-remedies.js';
export { saturation, type SaturationOptions } from './saturation.js';
export { type ActivationFractionOptions } from './activation-fraction-detector.js';
export { deadUnits, type DeadUnitsOptions } from './dead-units.js';
export { REMEDIES } from './remedies.js';
export type { MonitorSink } from './sink.js';
export {
  primaryEvent,
  summarize,
  VERDICT_PRIORITY,
  type DetectorSummary,
  type Diagnosis,
  type LayerSummary,
  type MonitorSummary,
} from './summary.js';
export { LAYER_METRICS, type ChartSource, type LayerMetric, type LayerPoint } from './chart-data.js';
export {
  CHART_DATASET,
  gradientHeatmapSpec,
  layerBarsSpec,
  lossCurveSpec,
  type ChartOptions,
  type HeatmapOptions,
  type LayerBarsOptions,
  type LossCurveOptions,
} from './chart-specs.js';
export { renderChart, renderSvg, type LiveChart } from './render-chart.js';
export {
  CSV_COLUMNS,
  csvHeader,
  csvRows,
  fromJsonLine,
  scalarExtraNames,
  toCsv,
  toJsonLine,
  type JsonLinesEntry,
} from './record-format.js';
export { jacobianSpectrum, type JacobianSpectrum, type JacobianSpectrumOptions } from './jacobian-spectrum.js';
export {
  signalPropagation,
  type LayerSignal,
  type SignalPropagation,
  type SignalPropagationOptions,
} from './signal-propagation.js';
export {
  diagnose,
  diagnosisTable,
  type DiagnoseData,
  type DiagnoseLoss,
  type DiagnoseOptions,
  type DiagnoseResult,
  type DiagnoseTrial,
  type SkippedRemedy,
} from './diagnose.js';
export { copyModel, ModelRebuildError, replaceActivation, type LayerJson } from './rebuild-model.js';
export { REMEDY_PACKAGE_NAMES, type RemedyPackages } from './remedy-packages.js';
