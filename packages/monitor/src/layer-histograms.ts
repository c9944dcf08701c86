import * as tf from '@tensorflow/tfjs';
import { BUCKET_COUNTS, TENSOR_STATS, useHistogramKernels } from './layer-histograms-webgpu.js';
import type { LayerGroup } from './layer-groups.js';
import type { Histogram } from './monitor-record.js';

/** Longest row the values are folded into (see `LayerHistograms`). */
const MAX_ROW = 4096;
/** Keeps the largest value inside the last bucket: x = max maps to B·(1 − 2⁻²⁰) < B. */
const INSIDE_LAST = 1 - 2 ** -20;

/** Per layer, where its values sit in the concatenated vector. */
interface Segment {
  start: number;
  length: number;
}

/**
 * Histograms of every layer's gradients and weights in one pass on the device: equal-width
 * buckets from each layer's min to its max, counted on the device (bucket counts, not values,
 * come back — a few numbers per layer in the step's single readback).
 *
 * How, in a fixed number of kernels whatever the number of layers: the flattened tensors are
 * concatenated and gathered into a [rows, R] matrix where each row belongs to one segment (a
 * layer's gradients or its weights), short rows padded with a copy of the segment's first value
 * (neutral for min and max; excluded from counts and sums). Row minima and maxima reduce to
 * segment minima and maxima through a gather (`gatherND`: no host reads on any backend); each value's bucket ⌊(x − min)·B/(max − min)⌋ is
 * counted with one `denseBincount` (padding and NaN land past its end and are not counted); a
 * gather and a sum add the rows of each segment. Static index tensors are built once.
 *
 * Output layout (`measure`), over the 2·L segments (gradients of layers 0…L−1, then their weights):
 * every segment's min, then every segment's max, then each segment's [counts (B), sum].
 */
export class LayerHistograms {
  readonly buckets: number;
  private readonly segments: Segment[];
  private readonly rowCount: number;
  private readonly gatherIndex: tf.Tensor3D;
  private readonly bucketBase: tf.Tensor2D;
  private readonly realMask: tf.Tensor2D;
  private readonly segmentRows: tf.Tensor3D;
  private readonly segmentRowsOrZero: tf.Tensor3D;
  private readonly rowSegment: tf.Tensor2D;
  /** denseBincount's "no weights" (count each value once). */
  private readonly noWeights: tf.Tensor1D;
  /** Per tensor (gradients, then weights) its segment, for the WebGPU kernels. */
  private readonly tensorSegments: number[];
  /** Index tensors of the WebGPU path, made on first use there. */
  private deviceIndex?: { firstTensor: tf.Tensor1D; segmentTensors: tf.Tensor2D };

  /** `sizes[i]` is the number of values of the i-th parameter in `groups.flatMap(g => g.params)` order. */
  constructor(readonly groups: readonly LayerGroup[], sizes: readonly number[], buckets: number) {
    this.buckets = buckets;
    const layerSizes: number[] = [];
    const layerOf = groups.flatMap((group, layer) => group.params.map(() => layer));
    this.tensorSegments = [...layerOf, ...layerOf.map((layer) => groups.length + layer)];
    let parameter = 0;
    for (const group of groups) {
      let size = 0;
      for (let i = 0; i < group.params.length; i++) size += sizes[parameter++]!;
      layerSizes.push(size);
    }
    const total = layerSizes.reduce((a, b) => a + b, 0);
    this.segments = [];
    let start = 0;
    for (const length of [...layerSizes, ...layerSizes]) {
      this.segments.push({ start, length });
      start += length;
    }
    const row = Math.max(1, Math.min(MAX_ROW, Math.max(...layerSizes)));
    const gatherIndex: number[] = [];
    const real: boolean[] = [];
    const rowSegment: number[] = [];
    const segmentRowLists: number[][] = [];
    this.segments.forEach((segment, index) => {
      const rows: number[] = [];
      for (let offset = 0; offset < Math.max(segment.length, 1); offset += row) {
        rows.push(rowSegment.length);
        rowSegment.push(index);
        for (let column = 0; column < row; column++) {
          const isReal = offset + column < segment.length;
          real.push(isReal);
          gatherIndex.push(isReal ? segment.start + offset + column : Math.min(segment.start, Math.max(2 * total - 1, 0)));
        }
      }
      segmentRowLists.push(rows);
    });
    const rowCount = rowSegment.length;
    this.rowCount = rowCount;
    const widest = Math.max(...segmentRowLists.map((rows) => rows.length));
    const shape: [number, number] = [rowCount, row];
    this.gatherIndex = tf.keep(tf.tensor3d(gatherIndex, [...shape, 1], 'int32'));
    // Where a value's count goes in the flat bincount: (row + 1)·B + bucket (the first B counts are a
    // trash row for NaN, see `measure`); padding goes past the end. Exact in float32 below 2²⁴.
    this.bucketBase = tf.keep(
      tf.tensor2d(real.map((isReal, i) => (isReal ? (Math.floor(i / row) + 1) * buckets : (rowCount + 1) * buckets)), shape, 'float32'),
    );
    this.realMask = tf.keep(tf.tensor2d(real.map((isReal) => (isReal ? 1 : 0)), shape, 'float32'));
    const paddedRows = (index: (row: number) => number, pad: (rows: number[]) => number) =>
      tf.keep(
        tf.tensor3d(
          segmentRowLists.flatMap((rows) => Array.from({ length: widest }, (_, i) => (i < rows.length ? index(rows[i]!) : pad(rows)))),
          [this.segments.length, widest, 1],
          'int32',
        ),
      );
    // Each segment's rows, padded by repeating its first row (neutral for min and max) …
    this.segmentRows = paddedRows((row) => row, (rows) => rows[0]!);
    // … or its rows in `measure`'s per-row table (trash row first, an all-zero row last), padded
    // by the zero row (neutral for sums). Rows are never mixed, so a NaN stays in its segment.
    this.segmentRowsOrZero = paddedRows((row) => row + 1, () => rowCount + 1);
    this.rowSegment = tf.keep(tf.tensor2d(rowSegment, [rowCount, 1], 'int32'));
    this.noWeights = tf.keep(tf.tensor1d([], 'float32'));
  }

  /**
   * The packed histograms of `gradients` and `weights` (one tensor per parameter, in
   * `groups.flatMap(g => g.params)` order; a missing gradient counts as zeros). Call inside `tidy`.
   */
  measure(gradients: readonly tf.Tensor[], weights: readonly tf.Tensor[]): tf.Tensor1D {
    if (useHistogramKernels()) return this.measureOnDevice([...gradients, ...weights]);
    const buckets = this.buckets;
    const flat = tf.concat([...gradients, ...weights].map((tensor) => tf.reshape(tensor, [-1])));
    // gatherND rather than gather: the wasm backend's gather reads every index on the host to check it.
    const values = tf.gatherND(flat, this.gatherIndex) as tf.Tensor2D;
    const segmentLow = tf.min(tf.gatherND(tf.min(values, 1), this.segmentRows), 1);
    const segmentHigh = tf.max(tf.gatherND(tf.max(values, 1), this.segmentRows), 1);
    const low = tf.gatherND(segmentLow, this.rowSegment) as tf.Tensor1D;
    const range = tf.sub(tf.gatherND(segmentHigh, this.rowSegment), low);
    const scale = tf.divNoNan(tf.scalar(buckets * INSIDE_LAST), range);
    const position = tf.mul(tf.sub(values, tf.reshape(low, [-1, 1])), tf.reshape(scale, [-1, 1]));
    // Bucket ⌊position⌋ of its row, at (row + 1)·B + bucket in one flat bincount (tfjs 4.22's WebGPU
    // denseBincount miscounts 2-D inputs wider than `size`); padding sits past the end, which the
    // bincount ignores. NaN (from NaN or ±Infinity values, whose layer `decode` drops) casts to 0 on
    // cpu and wasm — the trash row — and to −2³¹ on WebGPU, hence the max with 0 there (int32 ops
    // are slow on wasm, so only there).
    let bucket = tf.cast(tf.add(tf.floor(position), this.bucketBase), 'int32');
    if (tf.getBackend() === 'webgpu') bucket = tf.maximum(bucket, tf.scalar(0, 'int32'));
    const rows = this.rowCount + 1;
    const counts = tf.reshape(tf.denseBincount(tf.reshape(bucket, [-1]) as tf.Tensor1D, this.noWeights, rows * buckets), [rows, buckets]);
    const rowSums = tf.concat([tf.zeros([1, 1]), tf.sum(tf.mul(values, this.realMask), 1, true)]);
    const perRow = tf.concat([tf.concat([counts, rowSums], 1), tf.zeros([1, buckets + 1])]);
    const perSegment = tf.sum(tf.gatherND(perRow, this.segmentRowsOrZero), 1);
    return tf.concat([segmentLow, segmentHigh, tf.reshape(perSegment, [-1])]) as tf.Tensor1D;
  }

  /**
   * `measure` on WebGPU, in two passes over the values with the kernels of
   * `layer-histograms-webgpu.ts` (per tensor: min, max, Σx; then its counts over its layer's range),
   * and a few small kernels that add each segment's rows. The same output layout.
   */
  private measureOnDevice(tensors: readonly tf.Tensor[]): tf.Tensor1D {
    const buckets = this.buckets;
    const segmentOf = this.tensorSegments;
    const firstOf = (segment: number) => segmentOf.indexOf(segment);
    const rowsOf = (segment: number) => segmentOf.filter((other) => other === segment).length;
    if (!this.deviceIndex) {
      const widest = Math.max(...this.segments.map((_, segment) => rowsOf(segment)));
      this.deviceIndex = {
        firstTensor: tf.keep(tf.tensor1d(this.segments.map((_, segment) => Math.max(firstOf(segment), 0)), 'int32')),
        // Each segment's tensors, padded with the all-zero row appended after the last tensor.
        segmentTensors: tf.keep(
          tf.tensor2d(
            this.segments.flatMap((_, segment) => {
              const first = firstOf(segment);
              return Array.from({ length: widest }, (__, i) => (first >= 0 && i < rowsOf(segment) ? first + i : tensors.length));
            }),
            [this.segments.length, widest],
            'int32',
          ),
        ),
      };
    }
    const inputs = Object.fromEntries(tensors.map((tensor, i) => [`x${i}`, tensor]));
    const stats = tf.engine().runKernel(TENSOR_STATS, inputs) as tf.Tensor2D;
    const rows = tf.engine().runKernel(BUCKET_COUNTS, { ...inputs, stats }, {
      buckets,
      segmentFirst: segmentOf.map((segment) => firstOf(segment)),
      segmentRows: segmentOf.map((segment) => rowsOf(segment)),
    } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
    const segments = this.segments.length;
    const first = tf.gather(rows, this.deviceIndex.firstTensor);
    const low = tf.reshape(tf.slice(first, [0, buckets + 1], [segments, 1]), [-1]);
    const high = tf.reshape(tf.slice(first, [0, buckets + 2], [segments, 1]), [-1]);
    const padded = tf.concat([tf.slice(rows, [0, 0], [tensors.length, buckets + 1]), tf.zeros([1, buckets + 1])]);
    const perSegment = tf.sum(tf.gather(padded, this.deviceIndex.segmentTensors), 1);
    return tf.concat([low, high, tf.reshape(perSegment, [-1])]) as tf.Tensor1D;
  }

  /**
   * Histograms from `measure`'s read-back values: `gradients[l]` and `weights[l]` per layer, with
   * `sumSquares` taken from the layer's norms (‖·‖², measured by the monitor). A layer whose min,
   * max or sum is not finite (NaN or ±Infinity among its values) has no histogram (undefined).
   */
  decode(
    packed: readonly number[],
    gradientNorms: readonly number[],
    weightNorms: readonly number[],
  ): { gradients: Array<Histogram | undefined>; weights: Array<Histogram | undefined> } {
    const buckets = this.buckets;
    const segmentCount = this.segments.length;
    const layerCount = segmentCount / 2;
    const histograms = this.segments.map((segment, index): Histogram | undefined => {
      const min = packed[index]!;
      const max = packed[segmentCount + index]!;
      const offset = 2 * segmentCount + index * (buckets + 1);
      const sum = packed[offset + buckets]!;
      if (!Number.isFinite(min) || !Number.isFinite(max) || !Number.isFinite(sum)) return undefined;
      const norm = index < layerCount ? gradientNorms[index]! : weightNorms[index - layerCount]!;
      const width = (max - min) / buckets;
      return {
        min,
        max,
        count: segment.length,
        sum,
        sumSquares: norm * norm,
        bucketLimits: Array.from({ length: buckets }, (_, i) => (i === buckets - 1 ? max : min + (i + 1) * width)),
        bucketCounts: packed.slice(offset, offset + buckets),
      };
    });
    return { gradients: histograms.slice(0, layerCount), weights: histograms.slice(layerCount) };
  }

  /** Frees the static index tensors. */
  dispose(): void {
    tf.dispose([this.gatherIndex, this.bucketBase, this.realMask, this.segmentRows, this.segmentRowsOrZero, this.rowSegment, this.noWeights]);
    if (this.deviceIndex) tf.dispose([this.deviceIndex.firstTensor, this.deviceIndex.segmentTensors]);
    this.deviceIndex = undefined;
  }
}
