import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { criticalWeightVariance, initialize } from '@gs/initializers';
import { jacobianSpectrum } from '@gs/monitor';
import { cosineDecay } from '@gs/optim';
import { residualMlp } from '@gs/residual';
import { type DigitTensors, trainClassifier } from './classifier-training.js';
import { CLASSES, PIXELS } from './digit-set.js';

/**
 * How a depth record's net is built: plain tanh MLPs with orthogonal weights at the edge of chaos
 * (`critical`) or with tfjs's default Dense init (`default`, glorotNormal); residual ReLU MLPs with a
 * ReZero or SkipInit gate, Fixup, or DeepNorm (all from `@gs/residual`).
 */
export type DepthScheme = 'critical' | 'default' | 'reZero' | 'skipInit' | 'fixup' | 'deepNorm';

/** One depth-record run. */
export interface DepthConfiguration {
  id: string;
  /** Hidden Dense layers (residual nets: blocks × 2 branch layers). */
  depth: number;
  scheme: DepthScheme;
  residual: boolean;
  width: number;
  /** `momentum`: SGD with Nesterov-free momentum 0.9. */
  optimizer: 'momentum' | 'adam';
  learningRate: number;
  /** `constant`: the rate throughout; `cosine`: cosine decay from it to 0 over the run (`cosineDecay` from `@gs/optim`). */
  schedule: 'constant' | 'cosine';
  steps: number;
  batchSize: number;
  seed: number;
}

/** One row of `report/depth.json`. */
export interface DepthRecord {
  depth: number;
  scheme: DepthScheme;
  residual: boolean;
  testAccuracy: number;
  steps: number;
  backend: string;
  seconds: number;
  id: string;
  width: number;
  optimizer: string;
  learningRate: number;
  /** The learning-rate schedule (absent in records written before it existed: constant). */
  schedule?: 'constant' | 'cosine';
  batchSize: number;
  finalLoss: number;
  /** Training loss every 10 steps. */
  losses: Array<{ step: number; loss: number }>;
  /** Test accuracy during training (every `DEPTH_EVALUATE_EVERY` steps and at the end). */
  accuracies: Array<{ step: number; accuracy: number }>;
  /** At init: mean squared singular value of the input–output Jacobian and its variance (4 test digits). */
  jacobian: { meanSquaredSingularValue: number; squaredSingularValueVariance: number };
}

/** The depth records measure test accuracy every this many steps (the accuracy chart). */
export const DEPTH_EVALUATE_EVERY = 50;

/** Momentum of the plain nets' SGD. */
export const MOMENTUM = 0.9;

/** σ_b² of the plain critical nets: small, so q* is small (tanh nearly linear) and the Jacobian nearly isometric. */
export const PLAIN_SIGMA_B2 = 1e-4;

/** Sizes of `--only depth`: the default (≤ 25 min on 2 cores, wasm) and `--full`. */
export interface DepthPlan {
  plainDepths: number[];
  residualDepths: number[];
  /** Width of a run by depth and kind. */
  width: (depth: number, residual: boolean) => number;
  batchSize: number;
  /** Steps of a run by depth and kind. */
  steps: (depth: number, residual: boolean) => number;
}

/**
 * Steps per run (measured, see the README): the residual nets pass 90 % on the digits; the plain
 * critical net at depth 200 needs 500 steps with the cosine-decayed rate (89.3 % after 300).
 */
export function depthSteps(depth: number, residual: boolean): number {
  if (residual) return depth >= 1000 ? 400 : 300; // ReZero at 1000 (width 32): 86.8 % at 100 steps, 89.5 % at 200, 91.0 % at 400
  return depth >= 200 ? 500 : 300; // critical 200, cosine 0.002: 89.3 % at 300 steps, 90.9 % at 500 (91.1 % with seed 2)
}

/** Width per run: 64, but 32 for the 1000-layer residual nets (≈ 1.2 CPU-s per step on wasm; > 2 at width 64). */
export function depthWidth(depth: number, residual: boolean): number {
  return residual && depth >= 1000 ? 32 : 64;
}

export const DEPTH_PLAN: DepthPlan = { plainDepths: [50, 200], residualDepths: [100], width: depthWidth, batchSize: 128, steps: depthSteps };
export const FULL_DEPTH_PLAN: DepthPlan = { ...DEPTH_PLAN, plainDepths: [50, 200, 1000], residualDepths: [100, 1000] };

/** How the learning rates were chosen, for the report. */
export const DEPTH_LEARNING_RATES =
  'SGD with momentum 0.9 for the plain nets, cosine-decayed from 0.005 to 0 over the run (from 0.002 at depth ≥ 200: a constant 0.005 diverged there after ~200 steps), Adam 1e-3 at a constant rate for the residual nets (from short trial runs at depth 50–200; one rate and schedule per kind, the same for the default-init control, not tuned per scheme)';

const RESIDUAL_SCHEMES: DepthScheme[] = ['reZero', 'skipInit', 'fixup', 'deepNorm'];

/** Default learning rates (used when the sweep file has no entry for a configuration). */
export function defaultLearningRate(scheme: DepthScheme, depth: number): number {
  // Measured at depth 200 (constant rate): 0.005 reaches loss 0.39 by step 100, then diverges (2.16 at step 400).
  if (scheme === 'critical' || scheme === 'default') return depth >= 200 ? 0.002 : 0.005;
  return 1e-3;
}

/** The runs of a depth plan, plain first. */
export function depthConfigurations(plan: DepthPlan): DepthConfiguration[] {
  const plain = plan.plainDepths.flatMap((depth) =>
    (['critical', 'default'] as const).map((scheme) => ({ depth, scheme, residual: false, optimizer: 'momentum' as const })),
  );
  const residual = plan.residualDepths.flatMap((depth) =>
    RESIDUAL_SCHEMES.map((scheme) => ({ depth, scheme, residual: true, optimizer: 'adam' as const })),
  );
  return [...plain, ...residual].map((run) => ({
    ...run,
    id: `${run.residual ? 'residual' : 'plain'}-${run.scheme}-${run.depth}`,
    width: plan.width(run.depth, run.residual),
    learningRate: defaultLearningRate(run.scheme, run.depth),
    schedule: run.residual ? ('constant' as const) : ('cosine' as const),
    steps: plan.steps(run.depth, run.residual),
    batchSize: plan.batchSize,
    seed: 1,
  }));
}

/**
 * A plain tanh MLP: `depth` Dense(width, tanh) layers and a linear Dense(10) head, no shortcuts, no
 * normalization. `critical`: re-initialized with `initialize(model, 'critical', {sigmaB2})` — every
 * kernel orthogonal with gain² = σ_w*² (≈ 1.086 for tanh at σ_b² = 1e-4), biases N(0, σ_b²);
 * `default`: tfjs's Dense default (glorotNormal, biases 0), seeded.
 */
export function plainTanhMlp(depth: number, width: number, scheme: 'critical' | 'default', seed: number): tf.LayersModel {
  const model = tf.sequential();
  for (let i = 0; i <= depth; i++) {
    const head = i === depth;
    model.add(
      tf.layers.dense({
        units: head ? CLASSES : width,
        activation: head ? 'linear' : 'tanh',
        kernelInitializer: tf.initializers.glorotNormal({ seed: seed * 10_000 + i }),
        ...(i === 0 ? { inputShape: [PIXELS] } : {}),
        name: head ? 'logits' : `tanh${i + 1}`,
      }),
    );
  }
  if (scheme === 'critical') initialize(model, 'critical', { sigmaB2: PLAIN_SIGMA_B2, seed });
  return model;
}

/** The model of a depth configuration. */
export function buildDepthModel(configuration: DepthConfiguration): tf.LayersModel {
  const { depth, width, scheme, seed } = configuration;
  if (!configuration.residual) return plainTanhMlp(depth, width, scheme as 'critical' | 'default', seed);
  const blocks = Math.max(1, Math.round(depth / 2));
  return residualMlp({
    inputShape: [PIXELS],
    depth: blocks,
    width,
    branchLayers: 2,
    activation: 'relu',
    outputUnits: CLASSES,
    seed,
    ...(scheme === 'reZero' || scheme === 'skipInit' ? { gate: scheme } : {}),
    ...(scheme === 'fixup' ? { fixup: true } : {}),
    ...(scheme === 'deepNorm' ? { deepNorm: true } : {}),
  });
}

/** Trains one depth configuration on the (standardized) digits. */
export async function runDepthRecord(
  configuration: DepthConfiguration,
  data: DigitTensors,
  onLoss?: (step: number, loss: number) => void,
): Promise<DepthRecord> {
  const started = performance.now();
  const model = buildDepthModel(configuration);
  const probe = data.testImages.slice(0, 4);
  const spectrum = await jacobianSpectrum(model, probe);
  probe.dispose();
  const base =
    configuration.optimizer === 'adam' ? tf.train.adam(configuration.learningRate) : tf.train.momentum(configuration.learningRate, MOMENTUM);
  const optimizer = configuration.schedule === 'cosine' ? stabilize(base, [cosineDecay({ decaySteps: configuration.steps })], { model }) : base;
  const result = await trainClassifier(model, optimizer, data, {
    steps: configuration.steps,
    batchSize: configuration.batchSize,
    onLoss,
    evaluateEvery: DEPTH_EVALUATE_EVERY,
  });
  optimizer.dispose();
  model.dispose();
  return {
    depth: configuration.depth,
    scheme: configuration.scheme,
    residual: configuration.residual,
    testAccuracy: result.testAccuracy,
    steps: configuration.steps,
    backend: tf.getBackend(),
    seconds: (performance.now() - started) / 1000,
    id: configuration.id,
    width: configuration.width,
    optimizer: configuration.optimizer,
    learningRate: configuration.learningRate,
    schedule: configuration.schedule,
    batchSize: configuration.batchSize,
    finalLoss: result.finalLoss,
    losses: result.losses,
    accuracies: result.accuracies,
    jacobian: {
      meanSquaredSingularValue: spectrum.meanSquaredSingularValue,
      squaredSingularValueVariance: spectrum.squaredSingularValueVariance,
    },
  };
}

/**
 * Records of several runs in report order (plain before residual, then by depth, then scheme):
 * `fresh` replaces the `earlier` record with the same id, the other earlier ones are kept.
 */
export function mergeDepthRecords(earlier: readonly DepthRecord[], fresh: readonly DepthRecord[]): DepthRecord[] {
  const order: DepthScheme[] = ['critical', 'default', ...RESIDUAL_SCHEMES];
  const byId = new Map(earlier.map((record) => [record.id, record]));
  for (const record of fresh) byId.set(record.id, record);
  return [...byId.values()].sort(
    (a, b) => Number(a.residual) - Number(b.residual) || a.depth - b.depth || order.indexOf(a.scheme) - order.indexOf(b.scheme),
  );
}

/** The critical σ_w² of the plain nets (for the report). */
export function plainCriticalWeightVariance(): number {
  return criticalWeightVariance('tanh', { sigmaB2: PLAIN_SIGMA_B2 });
}
