import protobuf from 'protobufjs/light.js';
import type { Histogram } from '../monitor-record.js';

/**
 * The subset of TensorBoard's protobuf messages an event file of scalars, histograms and text
 * needs, with TensorBoard's field numbers (`tensorboard/compat/proto/event.proto`, `summary.proto`,
 * `histogram.proto`, `tensor.proto`, `tensor_shape.proto`, `types.proto`). Fields not listed
 * (graphs, images, audio, session logs) are never written.
 */
const SCHEMA: protobuf.INamespace = {
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue', 'histo', 'tensor'] } },
              fields: {
                tag: { type: 'string', id: 1 },
                simpleValue: { type: 'float', id: 2 },
                histo: { type: 'HistogramProto', id: 5 },
                tensor: { type: 'TensorProto', id: 8 },
                metadata: { type: 'SummaryMetadata', id: 9 },
              },
            },
          },
        },
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sumSquares: { type: 'double', id: 5 },
            bucketLimit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        SummaryMetadata: {
          fields: {
            pluginData: { type: 'PluginData', id: 1 },
            displayName: { type: 'string', id: 2 },
            summaryDescription: { type: 'string', id: 3 },
            dataClass: { type: 'int32', id: 4 },
          },
          nested: {
            PluginData: {
              fields: { pluginName: { type: 'string', id: 1 }, content: { type: 'bytes', id: 2 } },
            },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dim', id: 2 } },
          nested: { Dim: { fields: { size: { type: 'int64', id: 1 } } } },
        },
      },
    },
  },
};

const EventMessage = protobuf.Root.fromJSON(SCHEMA).lookupType('tensorboard.Event');

/** TensorFlow's `DT_STRING` (types.proto). */
const DT_STRING = 7;
/** `DATA_CLASS_TENSOR` (summary.proto): what the text plugin's summaries are. */
const DATA_CLASS_TENSOR = 2;

/** One `Summary.Value`: a scalar (`simple_value`), a histogram (`histo`) or a text (string tensor for the text plugin). */
export type SummaryValue =
  | { readonly tag: string; readonly scalar: number }
  | { readonly tag: string; readonly histogram: Histogram }
  | { readonly tag: string; readonly text: string };

/** An `Event`: the file-version header, or the summary values of one step. */
export type EventContent =
  | { readonly wallTime: number; readonly step: number; readonly fileVersion: string }
  | { readonly wallTime: number; readonly step: number; readonly values: readonly SummaryValue[] };

const encoder = new TextEncoder();

function valueMessage(value: SummaryValue): Record<string, unknown> {
  if ('scalar' in value) return { tag: value.tag, simpleValue: value.scalar };
  if ('histogram' in value) {
    const { min, max, count, sum, sumSquares, bucketLimits, bucketCounts } = value.histogram;
    return { tag: value.tag, histo: { min, max, num: count, sum, sumSquares, bucketLimit: bucketLimits, bucket: bucketCounts } };
  }
  return {
    tag: value.tag,
    // TextPluginData{version: 0} serializes to no bytes.
    metadata: { pluginData: { pluginName: 'text', content: new Uint8Array(0) }, dataClass: DATA_CLASS_TENSOR },
    tensor: { dtype: DT_STRING, tensorShape: {}, stringVal: [encoder.encode(value.text)] },
  };
}

/**
 * Serializes a TensorBoard `Event` protobuf message (wall time in seconds since the epoch, step,
 * and either the file version or summary values) with protobufjs.
 *
 * @example
 * encodeEvent({ wallTime: Date.now() / 1000, step: 3, values: [{ tag: 'loss', scalar: 0.25 }] });
 */
export function encodeEvent(event: EventContent): Uint8Array {
  const message =
    'fileVersion' in event
      ? { wallTime: event.wallTime, step: event.step, fileVersion: event.fileVersion }
      : { wallTime: event.wallTime, step: event.step, summary: { value: event.values.map(valueMessage) } };
  return EventMessage.encode(EventMessage.fromObject(message)).finish();
}
