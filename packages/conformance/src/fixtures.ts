import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createTrainer, describeParams } from '@gs/core';
import { SeededRandom } from '@gs/initializers';
import {
  describeArchitecture,
  groupByLayer,
  lossCurveSpec,
  monitor,
  rankRemedies,
  REMEDY_IDS,
  toJsonLine,
  vanishingGradients,
  type MonitorHistory,
} from '@gs/monitor';
import { residualMlp } from '@gs/residual';
import { buildMlp } from '@gs/testing';

/**
 * Valid values of the types that public signatures take, by type name: what a user would pass.
 * A public signature that needs a type without a fixture makes the suite fail with that type's
 * name, so a new kind of argument is noticed rather than skipped.
 */
export interface Fixtures {
  /** Makes a fresh valid value of a named type, or undefined when there is no fixture. */
  make(name: string): unknown;
  /** Makers of other valid values of a named type, tried when the first is refused. */
  alternatives(name: string): (() => unknown)[];
  /** Whether `value` is a value of the named type (for deciding which generated values are bad). */
  isA(name: string, value: unknown): boolean | undefined;
  /** Valid strings for a parameter known by its name (`line`: a JSON line; `path`: files of each kind), else none. */
  stringsFor(name: string): string[];
  /** A fresh folder for functions that write files. */
  folder: string;
  /** The model every model-taking function gets: Dense 4 → 8 (tanh) → 1, built. */
  model: tf.LayersModel;
}

/** Inputs of the fixture model: 4 features. */
export const INPUT_FEATURES = 4;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/** Builds the fixtures (a small model, a monitor history of 3 steps, a chart spec, …). */
export async function createFixtures(): Promise<Fixtures> {
  const model = buildMlp({ inputSize: INPUT_FEATURES, depth: 1, width: 8, activation: 'tanh' });
  const xs = tf.randomUniform([8, INPUT_FEATURES], -1, 1, 'float32', 1);
  const ys = tf.randomUniform([8, 1], -1, 1, 'float32', 2);
  const watcher = monitor({ onEvent: () => {} });
  const trainer = createTrainer({ optimizer: tf.train.sgd(0.1), plugins: [watcher], model });
  for (let step = 0; step < 3; step++) {
    await trainer.step(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar);
  }
  const history: MonitorHistory = watcher.history;
  const record = history.records[0]!;
  const params = describeParams(model);
  const event = {
    detector: 'vanishingGradients',
    step: 0,
    layer: params[0]!.layerName,
    depth: 0,
    layers: [params[0]!.layerName],
    value: 1e-6,
    message: 'gradients vanish',
    remedies: ['use He initialization'],
    action: 'warn' as const,
  };
  const folder = mkdtempSync(join(tmpdir(), 'gs-conformance-'));
  // Files for functions that read them: a saved model (model.json + weights) and training data.
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  writeFileSync(join(folder, 'data.json'), JSON.stringify({ xs: await xs.array(), ys: await ys.array() }));
  const architecture = describeArchitecture(params, model);
  const remedies = rankRemedies(event);
  const variable = () => tf.variable(tf.zeros([INPUT_FEATURES]), true);

  const makers: Record<string, () => unknown> = {
    LayersModel: () => model,
    Sequential: () => model,
    Layer: () => tf.layers.dense({ units: INPUT_FEATURES }),
    SymbolicTensor: () => tf.input({ shape: [INPUT_FEATURES] }),
    Tensor: () => tf.randomNormal([8, INPUT_FEATURES], 0, 1, 'float32', 3),
    Scalar: () => tf.scalar(1),
    Tensor1D: () => tf.zeros([INPUT_FEATURES]),
    Tensor2D: () => tf.randomNormal([8, INPUT_FEATURES], 0, 1, 'float32', 3),
    Variable: variable,
    ReadonlyMap: () => new Map(model.trainableWeights.map((weight) => [weight.name, (weight as unknown as { val: tf.Variable }).val])),
    Optimizer: () => tf.train.sgd(0.1),
    Zeros: () => tf.initializers.zeros(),
    Initializer: () => tf.initializers.zeros(),
    ConfigDict: () => ({ className: 'Zeros', config: {} }),
    GradientMap: () => ({ [model.trainableWeights[0]!.name]: tf.ones(model.trainableWeights[0]!.shape as number[]) }),
    ParamInfo: () => params[0],
    StabilityPlugin: () => ({ name: 'noop' }),
    SeededRandom: () => new SeededRandom(1),
    Detector: () => vanishingGradients(),
    MonitorSink: () => ({ name: 'sink', write: () => {} }),
    MonitorHistory: () => history,
    LayerStats: () => record.layers[0],
    LayerGroup: () => groupByLayer(params)[0],
    LayerArchitecture: () => architecture.layers.get(params[0]!.layerName),
    Remedy: () => remedies[0] ?? { id: REMEDY_IDS[0], action: 'use He initialization', call: "initialize(model, 'he')", from: '@gs/initializers', reason: 'the gradients vanish' },
    DiagnoseData: () => ({ xs: tf.randomNormal([16, INPUT_FEATURES], 0, 1, 'float32', 7), ys: tf.randomNormal([16, 1], 0, 1, 'float32', 8) }),
    DiagnoseTrial: () => ({ call: '(as given)', lossBefore: 1, lossAfter: 0.5, verdict: 'improved', events: [] }),
    Uint8Array: () => new Uint8Array([1, 2, 3]),
    ChartSource: () => history,
    MonitorRecord: () => record,
    LossPoint: () => ({ step: 0, loss: 1 }),
    DetectorEvent: () => event,
    JsonLinesEntry: () => ({ type: 'record', ...record }),
    TopLevelSpec: () => lossCurveSpec(history),
    object: () => ({ records: history.records, losses: history.losses }),
  };
  const checks: Record<string, (value: unknown) => boolean> = {
    LayersModel: (value) => value instanceof tf.LayersModel,
    Sequential: (value) => value instanceof tf.Sequential,
    Layer: (value) => value instanceof tf.layers.Layer,
    SymbolicTensor: (value) => value instanceof tf.SymbolicTensor,
    Tensor: (value) => value instanceof tf.Tensor,
    Scalar: (value) => value instanceof tf.Tensor && value.rank === 0,
    Tensor1D: (value) => value instanceof tf.Tensor && value.rank === 1,
    Tensor2D: (value) => value instanceof tf.Tensor && value.rank === 2,
    Variable: (value) => value instanceof tf.Variable,
    ReadonlyMap: (value) => value instanceof Map,
    // tf.Optimizer's instanceof reads .minimize of the value: only objects may be asked.
    Optimizer: (value) => typeof value === 'object' && value !== null && value instanceof tf.Optimizer,
    SeededRandom: (value) => value instanceof SeededRandom,
    Uint8Array: (value) => value instanceof Uint8Array,
  };
  const residualModel = residualMlp({ inputShape: [INPUT_FEATURES], depth: 2, width: INPUT_FEATURES, branchLayers: 2 });
  const more: Record<string, (() => unknown)[]> = {
    LayersModel: [() => residualModel],
    Layer: [() => model.layers[0]],
  };
  const strings: Record<string, string[]> = {
    line: [toJsonLine({ type: 'record', ...record })],
    element: ['chart'],
    from: ['tanh'],
    to: ['relu'],
    path: [join(folder, 'model.json'), join(folder, 'data.json')],
  };
  return {
    make: (name) => makers[name]?.(),
    alternatives: (name) => [...(makers[name] ? [makers[name]] : []), ...(more[name] ?? [])],
    stringsFor: (name) => strings[name] ?? [],
    isA: (name, value) => checks[name]?.(value) ?? (isPlainObject(value) ? undefined : false),
    folder,
    model,
  };
}
