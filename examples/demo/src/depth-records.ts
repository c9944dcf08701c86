import * as tf from '@tensorflow/tfjs';
import { criticalWeightVariance, initialize } from '@gs/initializers';
import { jacobianSpectrum } from '@gs/monitor';
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
  batchSize: number;
  finalLoss: number;
  /** Training loss every 10 steps. */
  losses: Array<{ step: number; loss: number }>;
  /** At init: mean squared singular value of the input–output Jacobian and its variance (4 test digits). */
  jacobian: { meanSquaredSingularValue: number; squaredSingularValueVariance: number };
}

/** Momentum of the plain nets' SGD. */
export const MOMENTUM = 0.9;

/** σ_b² of the plain critical nets: small, so q* is small (tanh nearly linear) and the Jacobian nearly isometric. */
export const PLAIN_SIGMA_B2 = 1e-4;

/** Sizes of `--only depth`: the default (≤ 25 min on 2 cores, wasm) and `--full`. */
export interface DepthPlan {
  plainDepths: number[];
  residualDepths: number[];
  width: number;
  batchSize: number;
  /** Steps per run by depth. */
  steps: (depth: number) => number;
}

export const DEPTH_PLAN: DepthPlan = { plainDepths: [50, 200], residualDepths: [100], width: 64, batchSize: 128, steps: () => 400 };
export const FULL_DEPTH_PLAN: DepthPlan = {
  plainDepths: [50, 200, 1000],
  residualDepths: [100, 1000],
  width: 64,
  batchSize: 128,
  steps: (depth) => (depth >= 1000 ? 600 : 800),
};

const RESIDUAL_SCHEMES: DepthScheme[] = ['reZero', 'skipInit', 'fixup', 'deepNorm'];

/** Default learning rates (used when the sweep file has no entry for a configuration). */
export function defaultLearningRate(scheme: DepthScheme, depth: number): number {
  if (scheme === 'critical' || scheme === 'default') return depth >= 1000 ? 0.002 : 0.005;
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
    width: plan.width,
    learningRate: defaultLearningRate(run.scheme, run.depth),
    steps: plan.steps(run.depth),
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
  const optimizer =
    configuration.optimizer === 'adam' ? tf.train.adam(configuration.learningRate) : tf.train.momentum(configuration.learningRate, MOMENTUM);
  const result = await trainClassifier(model, optimizer, data, {
    steps: configuration.steps,
    batchSize: configuration.batchSize,
    onLoss,
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
    batchSize: configuration.batchSize,
    finalLoss: result.finalLoss,
    losses: result.losses,
    jacobian: {
      meanSquaredSingularValue: spectrum.meanSquaredSingularValue,
      squaredSingularValueVariance: spectrum.squaredSingularValueVariance,
    },
  };
}

/** The critical σ_w² of the plain nets (for the report). */
export function plainCriticalWeightVariance(): number {
  return criticalWeightVariance('tanh', { sigmaB2: PLAIN_SIGMA_B2 });
}
