import * as tf from '@tensorflow/tfjs';
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { createTrainer, type StabilityPlugin } from '@gs/core';
import { buildMlp, describeBackends, regressionData, testBackends } from '@gs/testing';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Histogram } from '../monitor-record.js';
import { monitor } from '../monitor.js';
import { variablesOf } from '../test-utils.js';
import { vanishingGradients } from '../vanishing-gradients.js';
import { summaryFileWriter } from './summary-file-writer.js';
import { encodeEvent } from './tensorboard-event.js';
import { tensorBoardSink } from './tensorboard-sink.js';
import { maskedCrc32c, tfRecord } from './tfrecord.js';

// ---------------------------------------------------------------------------------------------
// An independent reader of event files: @aws-crypto/crc32c for the checksums and
// @bufbuild/protobuf's wire reader for the messages (the writer uses crc-32 and protobufjs), with
// TensorBoard's field numbers written out here from event.proto, summary.proto, histogram.proto
// and tensor.proto.
// ---------------------------------------------------------------------------------------------

/** TensorBoard's masking of a CRC-32C (pywrap_tensorflow.masked_crc32c), written out again. */
function referenceMaskedCrc(data: Uint8Array): number {
  const crc = awsCrc32c(data) >>> 0;
  const rotatedRight15 = Math.floor(crc / 2 ** 15) + (crc % 2 ** 15) * 2 ** 17;
  return (rotatedRight15 + 0xa282ead8) % 2 ** 32;
}

interface DecodedValue {
  tag: string;
  simpleValue?: number;
  histogram?: { min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimit: number[]; bucket: number[] };
  text?: string;
  pluginName?: string;
  dtype?: number;
}

interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: DecodedValue[];
}

/** Reads each field of a message as (field number, wire type) and hands the reader to `onField`. */
function readFields(bytes: Uint8Array, onField: (field: number, wireType: WireType, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (!onField(field, wireType, reader)) reader.skip(wireType);
  }
}

function readDoubles(wireType: WireType, reader: BinaryReader, into: number[]): void {
  if (wireType === WireType.LengthDelimited) {
    const packed = new BinaryReader(reader.bytes());
    while (packed.pos < packed.len) into.push(packed.double());
  } else {
    into.push(reader.double());
  }
}

function decodeHistogram(bytes: Uint8Array): NonNullable<DecodedValue['histogram']> {
  const histogram = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [] as number[], bucket: [] as number[] };
  const scalarFields = ['min', 'max', 'num', 'sum', 'sumSquares'] as const;
  readFields(bytes, (field, wireType, reader) => {
    if (field >= 1 && field <= 5) histogram[scalarFields[field - 1]!] = reader.double();
    else if (field === 6) readDoubles(wireType, reader, histogram.bucketLimit);
    else if (field === 7) readDoubles(wireType, reader, histogram.bucket);
    else return false;
    return true;
  });
  return histogram;
}

function decodeValue(bytes: Uint8Array): DecodedValue {
  const value: DecodedValue = { tag: '' };
  readFields(bytes, (field, _wireType, reader) => {
    if (field === 1) value.tag = reader.string();
    else if (field === 2) value.simpleValue = reader.float();
    else if (field === 5) value.histogram = decodeHistogram(reader.bytes());
    else if (field === 8) {
      readFields(reader.bytes(), (tensorField, _type, tensorReader) => {
        if (tensorField === 1) value.dtype = tensorReader.int32();
        else if (tensorField === 8) value.text = new TextDecoder().decode(tensorReader.bytes());
        else return false;
        return true;
      });
    } else if (field === 9) {
      readFields(reader.bytes(), (metadataField, _type, metadataReader) => {
        if (metadataField !== 1) return false;
        readFields(metadataReader.bytes(), (pluginField, _t, pluginReader) => {
          if (pluginField !== 1) return false;
          value.pluginName = pluginReader.string();
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return value;
}

function decodeEvent(bytes: Uint8Array): DecodedEvent {
  const event: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  readFields(bytes, (field, _wireType, reader) => {
    if (field === 1) event.wallTime = reader.double();
    else if (field === 2) event.step = Number(reader.int64());
    else if (field === 3) event.fileVersion = reader.string();
    else if (field === 5) {
      readFields(reader.bytes(), (summaryField, _type, summaryReader) => {
        if (summaryField !== 1) return false;
        event.values.push(decodeValue(summaryReader.bytes()));
        return true;
      });
    } else return false;
    return true;
  });
  return event;
}

/** Splits a TFRecord file, checking each record's length and data CRCs; throws on any mismatch or trailing bytes. */
function readRecords(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < file.length) {
    if (offset + 12 > file.length) throw new Error(`truncated header at byte ${offset}`);
    const length = Number(view.getBigUint64(offset, true));
    if (view.getUint32(offset + 8, true) !== referenceMaskedCrc(file.subarray(offset, offset + 8))) {
      throw new Error(`length CRC mismatch in record ${records.length}`);
    }
    const data = file.subarray(offset + 12, offset + 12 + length);
    if (data.length !== length || offset + 16 + length > file.length) throw new Error(`truncated record ${records.length}`);
    if (view.getUint32(offset + 12 + length, true) !== referenceMaskedCrc(data)) {
      throw new Error(`data CRC mismatch in record ${records.length}`);
    }
    records.push(data);
    offset += 16 + length;
  }
  return records;
}

async function readEventFile(directory: string): Promise<DecodedEvent[]> {
  const files = (await readdir(directory)).filter((name) => name.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return readRecords(new Uint8Array(await readFile(join(directory, files[0]!)))).map(decodeEvent);
}

// ---------------------------------------------------------------------------------------------

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gs-tensorboard-'));
});
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('TFRecord and Event encoding (hand-checked fixtures)', () => {
  // Built by hand in Python from the proto field numbers and a bitwise CRC-32C (poly 0x82F63B78):
  //   value = b'\x0a\x04loss' + b'\x15' + struct.pack('<f', 0.25)
  //   summary = b'\x0a' + bytes([len(value)]) + value
  //   event = b'\x09' + struct.pack('<d', 1.5) + b'\x10\x02' + b'\x2a' + bytes([len(summary)]) + summary
  //   record = pack('<Q', len) + pack('<I', mask(crc(len bytes))) + event + pack('<I', mask(crc(event)))
  const event = '09000000000000f83f10022a0d0a0b0a046c6f7373150000803e';
  const record = '1a00000000000000129bd82d' + event + 'b878554b';
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

  it('masks CRC-32C as TensorFlow does: CRC-32C("123456789") = 0xe3069283, masked 0xc78ab0e5', () => {
    const check = new TextEncoder().encode('123456789');
    expect(awsCrc32c(check) >>> 0).toBe(0xe3069283);
    expect(maskedCrc32c(check)).toBe(0xc78ab0e5);
    expect(referenceMaskedCrc(check)).toBe(0xc78ab0e5);
  });

  it('encodes an Event and frames it byte for byte like the fixture', () => {
    const encoded = encodeEvent({ wallTime: 1.5, step: 2, values: [{ tag: 'loss', scalar: 0.25 }] });
    expect(hex(encoded)).toBe(event);
    expect(hex(tfRecord(encoded))).toBe(record);
  });
});

describe('summaryFileWriter', () => {
  it('writes a file-version header, then scalars, histograms and texts that the independent reader decodes', async () => {
    const run = join(directory, 'writer');
    const writer = summaryFileWriter(run, { maxQueue: 1000, flushMillis: 1e9 });
    expect(writer.path).toMatch(/events\.out\.tfevents\.\d{10}\.[^/]+\.\d+\.\d+$/);
    const histogram: Histogram = { min: -1, max: 2, count: 4, sum: 1.5, sumSquares: 5.25, bucketLimits: [0.5, 2], bucketCounts: [1, 3] };
    writer.scalar('loss', Number.NaN, 0);
    writer.scalar('loss', 0.5, 1);
    writer.histogram('weights/dense', histogram, 1);
    writer.text('events/note', '**hello**', 2);
    expect(await readEventFile(run)).toHaveLength(1); // queued, not yet written
    writer.flush();
    const events = await readEventFile(run);
    expect(events.map((event) => event.step)).toEqual([0, 0, 1, 1, 2]);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(Number.isNaN(events[1]!.values[0]!.simpleValue)).toBe(true);
    expect(events[2]!.values).toEqual([{ tag: 'loss', simpleValue: 0.5 }]);
    expect(events[3]!.values[0]!.histogram).toEqual({
      min: -1, max: 2, num: 4, sum: 1.5, sumSquares: 5.25, bucketLimit: [0.5, 2], bucket: [1, 3],
    });
    expect(events[4]!.values[0]).toEqual({ tag: 'events/note', text: '**hello**', dtype: 7, pluginName: 'text' });
    for (const event of events) expect(Math.abs(event.wallTime - Date.now() / 1000)).toBeLessThan(60);
    writer.close();
    writer.close();
    expect(() => writer.scalar('loss', 1, 3)).toThrow(/SummaryFileWriter.write: the writer of .* is closed/);
  });

  it('writes queued events when maxQueue are queued', async () => {
    const run = join(directory, 'queue');
    const writer = summaryFileWriter(run, { maxQueue: 3, flushMillis: 1e9 });
    writer.scalar('a', 1, 0);
    expect(await readEventFile(run)).toHaveLength(1);
    writer.scalar('a', 2, 1);
    writer.scalar('a', 3, 2);
    expect(await readEventFile(run)).toHaveLength(4);
    writer.close();
  });

  it('rejects bad arguments with the function and option named', () => {
    expect(() => summaryFileWriter('')).toThrow(/summaryFileWriter: runDirectory must be a non-empty string, got ""/);
    expect(() => summaryFileWriter(join(directory, 'bad'), { maxQueue: 0 })).toThrow(/summaryFileWriter: maxQueue must be an integer ≥ 1, got 0/);
    expect(() => summaryFileWriter(join(directory, 'bad'), { flushMilis: 5 } as never)).toThrow(/unknown option 'flushMilis' \(did you mean 'flushMillis'\?\)/);
    expect(() => summaryFileWriter(join(directory, 'bad'), { filenameSuffix: 'a/b' })).toThrow(/filenameSuffix must be a string without path separators/);
    const writer = summaryFileWriter(join(directory, 'bad'));
    expect(() => writer.scalar('', 1, 0)).toThrow(/SummaryFileWriter.write: values\[0\].tag must be a non-empty string/);
    expect(() => writer.scalar('a', '1' as never, 0)).toThrow(/SummaryFileWriter.scalar: value must be a number, got "1"/);
    expect(() => writer.scalar('a', 1, -1)).toThrow(/SummaryFileWriter.write: step must be an integer ≥ 0, got -1/);
    expect(() => writer.histogram('h', { bucketLimits: [1], bucketCounts: [] } as never, 0)).toThrow(/histogram must be a Histogram/);
    writer.close();
    expect(() => tensorBoardSink(join(directory, 'bad'), { histogram: false } as never)).toThrow(/tensorBoardSink: unknown option 'histogram' \(did you mean 'histograms'\?\)/);
    expect(() => tensorBoardSink(join(directory, 'bad'), { histograms: 'yes' } as never)).toThrow(/tensorBoardSink: histograms must be true or false/);
  });
});

const backends = await testBackends();

describeBackends('tensorBoardSink', backends, (backend) => {
  it('writes loss, per-layer scalars, other plugins’ records, histograms and events, as the monitor recorded them', async () => {
    const run = join(directory, `run-${backend}`);
    const model = buildMlp({ inputSize: 4, depth: 3, width: 8, activation: 'sigmoid', seed: 2 });
    const { xs, ys } = regressionData(16, 4);
    const sink = tensorBoardSink(run);
    const watcher = monitor({
      every: 2,
      sinks: [sink],
      detectors: [vanishingGradients({ ratio: 0.9, patience: 1 })],
      onEvent: () => {},
    });
    const recorder: StabilityPlugin = {
      name: 'clip',
      transformGradients: (_grads, ctx) => {
        ctx.record('norm', 1.25);
        ctx.record('perLayer', tf.tensor1d([1, 2]));
      },
      onReport: () => {},
    };
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [recorder, watcher], model });
    const steps = 6;
    for (let i = 0; i < steps; i++) {
      await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
    }
    await watcher.close();
    trainer.dispose();
    tf.dispose([xs, ys]);
    model.dispose();

    const events = await readEventFile(run);
    expect(events[0]).toMatchObject({ fileVersion: 'brain.Event:2', values: [] });
    const scalars = new Map<string, Array<[number, number]>>();
    const histograms = new Map<string, Array<[number, NonNullable<DecodedValue['histogram']>]>>();
    const texts: Array<[number, DecodedValue]> = [];
    for (const event of events.slice(1)) {
      for (const value of event.values) {
        if (value.simpleValue !== undefined) scalars.set(value.tag, [...(scalars.get(value.tag) ?? []), [event.step, value.simpleValue]]);
        else if (value.histogram) histograms.set(value.tag, [...(histograms.get(value.tag) ?? []), [event.step, value.histogram]]);
        else texts.push([event.step, value]);
      }
    }
    const f32 = Math.fround;
    expect(scalars.get('loss')).toEqual(watcher.history.losses.map((point) => [point.step, f32(point.loss)]));
    expect(watcher.history.losses).toHaveLength(steps);
    const records = watcher.history.records;
    expect(records.map((record) => record.step)).toEqual([0, 2, 4]);
    expect(scalars.get('gradientNorm/global')).toEqual(records.map((record) => [record.step, f32(record.gradientNorm)]));
    expect(scalars.get('clip/norm')).toEqual(records.map((record) => [record.step, 1.25]));
    expect(scalars.get('clip/perLayer/1')).toEqual(records.map((record) => [record.step, 2]));
    for (const [index, layer] of records[0]!.layers.entries()) {
      const byStep = (read: (record: (typeof records)[number]) => number) => records.map((record) => [record.step, f32(read(record))]);
      expect(scalars.get(`gradientNorm/${layer.name}`)).toEqual(byStep((record) => record.layers[index]!.gradientNorm));
      expect(scalars.get(`weightNorm/${layer.name}`)).toEqual(byStep((record) => record.layers[index]!.weightNorm));
      expect(scalars.get(`updateRatio/${layer.name}`)).toEqual(byStep((record) => record.layers[index]!.updateRatio));
      for (const [group, read] of [
        ['gradients', (record: (typeof records)[number]) => record.layers[index]!.gradientHistogram!],
        ['weights', (record: (typeof records)[number]) => record.layers[index]!.weightHistogram!],
      ] as const) {
        expect(histograms.get(`${group}/${layer.name}`)).toEqual(
          records.map((record) => {
            const recorded = read(record);
            expect(recorded.bucketCounts).toHaveLength(30);
            const { min, max, count, sum, sumSquares, bucketLimits, bucketCounts } = recorded;
            return [record.step, { min, max, num: count, sum, sumSquares, bucketLimit: bucketLimits, bucket: bucketCounts }];
          }),
        );
      }
    }
    // 1 global + 3 per-layer groups × 4 layers + 2 extras scalars, 2 × 4 histograms per record.
    expect([...scalars.keys()].filter((tag) => tag !== 'loss')).toHaveLength(1 + 3 * 4 + 3);
    expect(histograms.size).toBe(8);
    expect(watcher.events.length).toBeGreaterThan(0);
    expect(texts).toHaveLength(watcher.events.length);
    texts.forEach(([step, value], i) => {
      const event = watcher.events[i]!;
      expect(step).toBe(event.step);
      expect(value).toMatchObject({ tag: `events/${event.detector}`, pluginName: 'text', dtype: 7 });
      expect(value.text).toContain(event.message);
      for (const remedy of event.remedies) expect(value.text).toContain(`- ${remedy}`);
    });
  });
});
