import * as tf from '@tensorflow/tfjs';
import { createTrainer, describeParams, type ParamInfo } from '@gs/core';
import {
  buildMlp,
  countHostSyncs,
  countReadbacks,
  describeBackends,
  expectNoLeak,
  regressionData,
  seededRandom,
  testBackends,
} from '@gs/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { groupByLayer, type LayerGroup } from './layer-groups.js';
import { LayerHistograms } from './layer-histograms.js';
import type { Histogram, MonitorRecord } from './monitor-record.js';
import { monitor } from './monitor.js';
import { variablesOf } from './test-utils.js';

const backends = await testBackends();


/**
 * `size` float32 values between `low` and `high` (both present) whose buckets are known without
 * rounding doubt: each value sits in the middle 80 % of a randomly chosen bucket.
 */
function valuesWithKnownBuckets(size: number, low: number, high: number, buckets: number, seed: number) {
  const next = seededRandom(seed);
  const width = (high - low) / buckets;
  const counts = new Array<number>(buckets).fill(0);
  const values = Array.from({ length: size }, (_, i) => {
    if (i === 0) return (counts[0]!++, low);
    if (i === size - 1) return (counts[buckets - 1]!++, high);
    const bucket = Math.floor(next() * buckets);
    counts[bucket]!++;
    return Math.fround(low + width * (bucket + 0.1 + 0.8 * next()));
  });
  return { values, counts };
}

/** Groups for parameters of the given shapes, two per layer (kernel, bias). */
function layers(shapes: number[][][]): LayerGroup[] {
  return shapes.map((params, depth) => ({
    name: `layer${depth}`,
    depth,
    params: params.map((shape, i) => ({ name: `layer${depth}/${i}`, shape }) as unknown as ParamInfo),
  }));
}

describeBackends('LayerHistograms', backends, () => {
  it('counts every value in its equal-width bucket and gives min, max and Σx per layer (values of known buckets)', async () => {
    const buckets = 5;
    // Layer 0 has 5184 values: more than one 4096-wide row, so row results are combined.
    const shapes = [[[80, 64], [64]], [[3, 2], [2]], [[7]]];
    const groups = layers(shapes);
    const sizes = shapes.flat().map((shape) => shape.reduce((a, b) => a * b, 1));
    const layerSizes = shapes.map((params) => params.reduce((total, shape) => total + shape.reduce((a, b) => a * b, 1), 0));
    // Segments: gradients of layers 0, 1, 2, then weights of layers 0, 1, 2, each with its own range.
    const ranges: Array<[number, number]> = [[-3, 7], [0.5, 0.75], [-1e-6, 1e-6], [-0.25, 0.25], [10, 30], [-8, -2]];
    const expected = ranges.map(([low, high], segment) =>
      valuesWithKnownBuckets(layerSizes[segment % 3]!, low, high, buckets, segment + 1),
    );
    // Split each segment's values over the layer's parameters (kernel first, then bias).
    const tensorsOf = (segmentOffset: number) => {
      let parameter = 0;
      return groups.flatMap((group, layer) => {
        let offset = 0;
        return group.params.map(() => {
          const size = sizes[parameter]!;
          const shape = shapes.flat()[parameter++]!;
          const slice = expected[segmentOffset + layer]!.values.slice(offset, offset + size);
          offset += size;
          return tf.tensor(slice, shape);
        });
      });
    };
    const gradients = tensorsOf(0);
    const weights = tensorsOf(3);
    const histograms = new LayerHistograms(groups, sizes, buckets);
    const packed = tf.tidy(() => histograms.measure(gradients, weights));
    const decoded = histograms.decode(Array.from(await packed.data()), [1, 2, 3], [4, 5, 6]);
    const all = [...decoded.gradients, ...decoded.weights] as Histogram[];
    all.forEach((histogram, segment) => {
      const [low, high] = ranges[segment]!;
      const { values, counts } = expected[segment]!;
      expect(histogram.min).toBe(Math.fround(low));
      expect(histogram.max).toBe(Math.fround(high));
      expect(histogram.count).toBe(values.length);
      expect(histogram.bucketCounts).toEqual(counts);
      const sum = values.reduce((a, b) => a + b, 0);
      expect(Math.abs(histogram.sum - sum)).toBeLessThanOrEqual(1e-5 * values.reduce((a, b) => a + Math.abs(b), 0));
      const width = (Math.fround(high) - Math.fround(low)) / buckets;
      expect(histogram.bucketLimits).toEqual(Array.from({ length: buckets }, (_, i) => (i === buckets - 1 ? Math.fround(high) : Math.fround(low) + (i + 1) * width)));
    });
    expect(decoded.gradients.map((histogram) => histogram!.sumSquares)).toEqual([1, 4, 9]);
    expect(decoded.weights.map((histogram) => histogram!.sumSquares)).toEqual([16, 25, 36]);
    tf.dispose([packed, ...gradients, ...weights]);
    histograms.dispose();
  });

  it('keeps a NaN in its own layer: the other layers’ histograms stay exact', async () => {
    const groups = layers([[[4]], [[3]]]);
    const histograms = new LayerHistograms(groups, [4, 3], 2);
    const gradients = [tf.tensor([0, 1, 2, 3]), tf.tensor([Number.NaN, 1, 2])];
    const weights = [tf.tensor([Number.POSITIVE_INFINITY, 0, 1, 2]), tf.tensor([5, 5, 5])];
    const packed = tf.tidy(() => histograms.measure(gradients, weights));
    const { gradients: g, weights: w } = histograms.decode(Array.from(await packed.data()), [1, 1], [1, 1]);
    expect([g[0]!.min, g[0]!.max, g[0]!.sum, g[0]!.bucketCounts]).toEqual([0, 3, 6, [2, 2]]);
    // All values equal: one bucket holds them all.
    expect([w[1]!.min, w[1]!.max, w[1]!.sum, w[1]!.bucketCounts]).toEqual([5, 5, 15, [3, 0]]);
    // The layers with NaN or Infinity have no histogram.
    expect([g[1], w[0]]).toEqual([undefined, undefined]);
    tf.dispose([packed, ...gradients, ...weights]);
    histograms.dispose();
  });
});

/** The histogram of host values with `buckets` equal-width buckets, and how many values sit within `tolerance` of an inner edge. */
function hostHistogram(values: Float32Array, buckets: number) {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const width = (max - min) / buckets;
  const counts = new Array<number>(buckets).fill(0);
  let nearEdge = 0;
  for (const value of values) {
    const position = (value - min) / width;
    counts[Math.min(buckets - 1, Math.floor(position))]!++;
    const edgeDistance = Math.abs(position - Math.round(position));
    if (edgeDistance < 1e-4 && Math.round(position) > 0 && Math.round(position) < buckets) nearEdge++;
  }
  return { min, max, counts, nearEdge };
}

describeBackends('monitor histograms', backends, (backend) => {
  let data: { xs: tf.Tensor2D; ys: tf.Tensor2D };
  beforeAll(() => {
    data = regressionData(32, 4);
  });
  afterAll(() => tf.dispose(data));

  it('records per-layer gradient and weight histograms that match the model, with no host sync and one readback', async () => {
    const model = buildMlp({ inputSize: 4, depth: 2, width: 16, activation: 'tanh', seed: 4 });
    const reference = buildMlp({ inputSize: 4, depth: 2, width: 16, activation: 'tanh', seed: 4 });
    const watcher = monitor({ histograms: { buckets: 12 }, detectors: [] });
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [watcher], model });
    const loss = (of: tf.LayersModel) => () => tf.losses.meanSquaredError(data.ys, of.apply(data.xs) as tf.Tensor) as tf.Scalar;
    let syncs = -1;
    const readbacks = await countReadbacks(async () => {
      syncs = countHostSyncs(() => void trainer.optimizer.runStep(loss(model), variablesOf(model)).loss.dispose());
      await trainer.optimizer.flush();
    });
    // The cpu backend's gather kernels read their inputs with readSync, which the counter counts;
    // there the data is host memory already (no device to wait for). wasm and WebGPU must not sync.
    if (backend !== 'cpu') expect(syncs).toBe(0);
    expect(readbacks).toBe(1);

    const record = watcher.history.latest!;
    // By hand: the same loss's gradients at the same (initial) weights, on an identical model.
    const { grads } = tf.variableGrads(loss(reference), variablesOf(reference));
    const referenceName = new Map(variablesOf(model).map((variable, i) => [variable.name, variablesOf(reference)[i]!.name]));
    const modelVariables = new Map(variablesOf(model).map((variable) => [variable.name, variable]));
    const flatValues = async (tensors: tf.Tensor[]) => new Float32Array(await tf.concat(tensors.map((t) => tf.reshape(t, [-1]))).data());
    const groups = groupByLayer(describeParams(model));
    for (const [index, group] of groups.entries()) {
      const layer = record.layers[index]!;
      const names = group.params.map((param) => param.name);
      const gradientValues = await flatValues(names.map((name) => grads[referenceName.get(name)!]!));
      const weightValues = await flatValues(names.map((name) => modelVariables.get(name)!));
      for (const [histogram, values] of [[layer.gradientHistogram!, gradientValues], [layer.weightHistogram!, weightValues]] as const) {
        const host = hostHistogram(values, 12);
        expect(histogram.count).toBe(values.length);
        expect(histogram.bucketCounts.reduce((a, b) => a + b)).toBe(values.length);
        expect(histogram.min).toBeCloseTo(host.min, 6);
        expect(histogram.max).toBeCloseTo(host.max, 6);
        // Values within rounding distance of an inner edge may fall either side of it.
        const difference = histogram.bucketCounts.reduce((total, count, i) => total + Math.abs(count - host.counts[i]!), 0);
        expect(difference).toBeLessThanOrEqual(2 * host.nearEdge);
      }
      expect(layer.gradientHistogram!.sumSquares).toBeCloseTo(layer.gradientNorm ** 2, 10);
    }
    tf.dispose(grads);

    await expectNoLeak(async () => {
      await trainer.step(loss(model), variablesOf(model));
    }, { warmup: 2, steps: 10 });
    expect(watcher.history.latest!.layers[0]!.weightHistogram).toBeDefined();
    trainer.dispose();
    model.dispose();
    reference.dispose();
  });

  it('computes no histograms unless asked (option or a sink that asks)', async () => {
    const model = buildMlp({ inputSize: 4, depth: 1, width: 4, seed: 1 });
    const watchers = [
      monitor({ detectors: [] }),
      monitor({ detectors: [], histograms: { every: 2 } }),
      monitor({ detectors: [], histograms: false, sinks: [{ name: 'asks', histograms: true, write: () => {} }] }),
      monitor({ detectors: [], sinks: [{ name: 'asks', histograms: true, write: () => {} }] }),
    ];
    const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: watchers, model });
    for (let step = 0; step < 2; step++) {
      await trainer.step(() => tf.losses.meanSquaredError(data.ys, model.apply(data.xs) as tf.Tensor) as tf.Scalar, variablesOf(model));
    }
    const buckets = (record: MonitorRecord) => record.layers[0]!.gradientHistogram?.bucketCounts.length;
    expect(watchers.map((watcher) => watcher.history.records.map(buckets))).toEqual([
      [undefined, undefined],
      [30, undefined], // histograms every 2nd step
      [undefined, undefined],
      [30, 30],
    ]);
    trainer.dispose();
    model.dispose();
  });
});

it('rejects bad histogram options', () => {
  expect(() => monitor({ histograms: { buckets: 0 } })).toThrow(/monitor: histograms.buckets must be an integer ≥ 1, got 0/);
  expect(() => monitor({ histograms: { bucket: 3 } as never })).toThrow(/monitor: unknown option 'bucket' \(did you mean 'buckets'\?\)/);
  expect(() => monitor({ histograms: 'yes' as never })).toThrow(/monitor: histograms must be/);
  expect(() => monitor({ every: 10, histograms: { every: 15 } })).toThrow(/monitor: histograms.every must be a multiple of every \(10\), got 15/);
});
