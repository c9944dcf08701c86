// Node-only entry ('@gs/monitor/node'): sinks that write files or draw on the terminal.
// Everything else (monitor, detectors, chart specs, renderSvg) is in '@gs/monitor'.
export { consoleSink, formatRecordTable, type ConsoleSinkOptions } from './node/console-sink.js';
export { csvSink } from './node/csv-sink.js';
export { jsonLinesSink, type JsonLinesSinkOptions } from './node/json-lines-sink.js';
export { svgChartSink, writeCharts, type ChartFiles } from './node/write-charts.js';
export { diagnoseCli, loadDataFile, loadModelFile, type CliOutput } from './node/diagnose-cli.js';
export { summaryFileWriter, SummaryFileWriter, type SummaryFileWriterOptions } from './node/summary-file-writer.js';
export { tensorBoardSink, type TensorBoardSink, type TensorBoardSinkOptions } from './node/tensorboard-sink.js';
export { maskedCrc32c, tfRecord } from './node/tfrecord.js';
export type { EventContent, SummaryValue } from './node/tensorboard-event.js';
