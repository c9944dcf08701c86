import * as tf from '@tensorflow/tfjs';
import { BUCKET_COUNTS, TENSOR_STATS, useHistogramKernels } from './layer-histograms-webgpu.js';
import type { LayerGroup } from './layer-groups.js';
import type { Histogram } from './monitor-record.js';

/** Keeps the largest value inside the last bucket: x = max maps to B·(1 − 2⁻²⁰) < B. */
const INSIDE_LAST = 1 - 2 ** -20;

/** Per layer, where its values sit in the concatenated vector. */
interface Segment {
  start: number;
  length: number;
}

/**
 * Histograms of every layer's gradients and weights on the device: equal-width buckets from each
 * layer's min to its max, counted on the device (bucket counts, not values, come back — a few
 * numbers per layer in the step's single readback).
 *
 * A segment is one layer's gradients or its weights (all its parameters). On WebGPU two WGSL passes
 * over the values do it (see `layer-histograms-webgpu.ts`). Elsewhere, per tensor: its min, max
 * and Σx, then each value's bucket ⌊(x − min)·B/(max − min)⌋ over its segment's range, counted
 * with `denseBincount`, and the counts of a segment's tensors added: about a dozen reads and writes
 * of each value, no copy of the values into one tensor. A NaN or ±Infinity stays in its segment
 * (whose histogram `decode` drops).
 *
 * Output layout (`measure`), over the 2·L segments (gradients of layers 0…L−1, then their weights):
 * every segment's min, then every segment's max, then each segment's [counts (B), sum].
 */
export class LayerHistograms {
  readonly buckets: number;
  private readonly segments: Segment[];
  /** denseBincount's "no weights" (count each value once). */
  private readonly noWeights: tf.Tensor1D;
  /** Per tensor (gradients, then weights) its segment. */
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
    this.segments = [];
    let start = 0;
    for (const length of [...layerSizes, ...layerSizes]) {
      this.segments.push({ start, length });
      start += length;
    }
    this.noWeights = tf.keep(tf.tensor1d([], 'float32'));
  }

  /**
   * The packed histograms of `gradients` and `weights` (one tensor per parameter, in
   * `groups.flatMap(g => g.params)` order; a missing gradient counts as zeros). Call inside `tidy`.
   */
  measure(gradients: readonly tf.Tensor[], weights: readonly tf.Tensor[]): tf.Tensor1D {
    const tensors = [...gradients, ...weights];
    if (useHistogramKernels()) return this.measureOnDevice(tensors);
    const buckets = this.buckets;
    const lows: tf.Tensor[] = [];
    const highs: tf.Tensor[] = [];
    const rows: tf.Tensor[] = [];
    this.segments.forEach((_, segment) => {
      const members = tensors.filter((tensor, t) => this.tensorSegments[t] === segment && tensor.size > 0).map((tensor) => tf.reshape(tensor, [-1]));
      if (members.length === 0) {
        lows.push(tf.scalar(0));
        highs.push(tf.scalar(0));
        rows.push(tf.zeros([buckets + 1]));
        return;
      }
      const combine = (parts: tf.Tensor[], reduce: (x: tf.Tensor) => tf.Tensor) => (parts.length === 1 ? parts[0]! : reduce(tf.stack(parts)));
      const low = combine(members.map((member) => tf.min(member)), tf.min);
      const high = combine(members.map((member) => tf.max(member)), tf.max);
      const scale = tf.divNoNan(tf.scalar(buckets * INSIDE_LAST), tf.sub(high, low));
      // NaN positions (from NaN or ±Infinity values, whose segment `decode` drops) cast to some
      // integer; a bincount ignores those outside [0, B).
      const counts = members.map((member) =>
        tf.denseBincount(tf.cast(tf.floor(tf.mul(tf.sub(member, low), scale)), 'int32') as tf.Tensor1D, this.noWeights, buckets),
      );
      const sum = combine(members.map((member) => tf.sum(member)), tf.sum);
      lows.push(low);
      highs.push(high);
      rows.push(tf.concat([counts.length === 1 ? counts[0]! : tf.addN(counts), tf.reshape(sum, [1])]));
    });
    return tf.concat([tf.stack(lows), tf.stack(highs), ...rows]) as tf.Tensor1D;
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
    this.noWeights.dispose();
    if (this.deviceIndex) tf.dispose([this.deviceIndex.firstTensor, this.deviceIndex.segmentTensors]);
    this.deviceIndex = undefined;
  }
}
