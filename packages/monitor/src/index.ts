// Browser-safe entry: no Node built-ins. File sinks, the console sink and SVG files are in
// '@gs/monitor/node'.
export { monitor, GradientMonitor, type MonitorOptions } from './monitor.js';
export { MonitorHistory, type MonitorHistoryOptions } from './monitor-history.js';
export type { ActivationStats, LayerStats, LossPoint, MonitorRecord } from './monitor-record.js';
export { groupByLayer, type LayerGroup } from './layer-groups.js';
export {
  DETECTOR_ACTIONS,
  GradientAlarmError,
  type Detector,
  type DetectorAction,
  type DetectorContext,
  type DetectorEvent,
} from './detector.js';
export { vanishingGradients, type VanishingGradientsOptions } from './vanishing-gradients.js';
export { explodingGradients, type ExplodingGradientsOptions } from './exploding-gradients.js';
export { nonFiniteValues, type NonFiniteValuesOptions } from './non-finite-values.js';
export { saturation, type SaturationOptions } from './saturation.js';
export { type ActivationFractionOptions } from './activation-fraction-detector.js';
export { deadUnits, type DeadUnitsOptions } from './dead-units.js';
export { REMEDIES } from './remedies.js';
export type { MonitorSink } from './sink.js';
export { summarize, type DetectorSummary, type LayerSummary, type MonitorSummary } from './summary.js';
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
