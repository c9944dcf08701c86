import * as tf from '@tensorflow/tfjs';
import { criticalWeightVariance, meanFieldPropagation } from '@gs/initializers';
import { signalPropagation } from '@gs/monitor';
import { type DigitTensors, trainClassifier } from './classifier-training.js';
import { CLASSES, PIXELS } from './digit-set.js';

/** The grid and training budget of the phase diagram. */
export interface AtlasPlan {
  /** Weight variances σ_w² (columns). */
  sigmaW2: number[];
  /** Depths (rows): hidden tanh layers. */
  depths: number[];
  /** Bias variance σ_b², fixed across the grid. */
  sigmaB2: number;
  width: number;
  /** Training steps per cell (SGD with momentum). */
  steps: number;
  batchSize: number;
  learningRate: number;
  /** A cell "trained" when its test accuracy reaches this. */
  trainedAccuracy: number;
}

/** `--only atlas` default: 6 × 4 cells, 80 steps each (≈ 10 min on 2 busy cores, wasm). */
export const ATLAS_PLAN: AtlasPlan = {
  sigmaW2: [0.5, 1, 1.5, 2, 2.5, 4],
  depths: [10, 25, 50, 100],
  sigmaB2: 0.05,
  width: 64,
  steps: 80,
  batchSize: 64,
  learningRate: 0.005,
  trainedAccuracy: 0.3,
};

/** `--only atlas --full`: σ_w² 0.5 … 4 in 10 columns × depth 10 … 200. */
export const FULL_ATLAS_PLAN: AtlasPlan = {
  ...ATLAS_PLAN,
  sigmaW2: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4],
  depths: [10, 20, 50, 100, 200],
  steps: 200,
};

/** The browser's live atlas: small enough to fill in cell by cell on software WebGPU. */
export const BROWSER_ATLAS_PLAN: AtlasPlan = {
  ...ATLAS_PLAN,
  sigmaW2: [0.5, 1, 1.75, 2.5, 4],
  depths: [5, 10, 20, 40],
  width: 32,
  steps: 30,
};

/** One cell of the atlas. */
export interface AtlasCell {
  sigmaW2: number;
  depth: number;
  /**
   * At init: mean squared gradient reaching the first hidden layer's output over that reaching the
   * last hidden layer's output (`signalPropagation`'s backward variances); mean-field theory
   * predicts χ₁^(depth − 1). 0 when float32 underflowed.
   */
  gradientRatio: number;
  /** χ₁^(depth − 1) from `meanFieldPropagation`. */
  predictedRatio: number;
  /** Whether the test accuracy reached `trainedAccuracy` after the short budget. */
  trained: boolean;
  finalLoss: number;
  testAccuracy: number;
  seconds: number;
}

/** Mean-field theory along the σ_w² axis at the plan's σ_b². */
export interface AtlasTheoryPoint {
  sigmaW2: number;
  chi1: number;
  /** ξ_c = −1/ln χ_c (Infinity at criticality). */
  depthScale: number;
  /** 6·ξ_c: Schoenholz et al.'s trainable depth. */
  trainableDepth: number;
}

/** What `report/atlas.json` holds. */
export interface AtlasResult {
  critical: { sigmaW2: number; sigmaB2: number };
  cells: AtlasCell[];
  theory: AtlasTheoryPoint[];
  plan: AtlasPlan;
  backend: string;
  seconds: number;
}

/** A tanh MLP with i.i.d. N(0, σ_w²/fanIn) kernels and N(0, σ_b²) biases (the mean-field setting), linear head. */
export function meanFieldMlp(depth: number, width: number, sigmaW2: number, sigmaB2: number, seed: number): tf.LayersModel {
  const model = tf.sequential();
  for (let i = 0; i <= depth; i++) {
    const head = i === depth;
    const fanIn = i === 0 ? PIXELS : width;
    model.add(
      tf.layers.dense({
        units: head ? CLASSES : width,
        activation: head ? 'linear' : 'tanh',
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt((head ? 1 : sigmaW2) / fanIn), seed: seed * 10_000 + i }),
        biasInitializer: head || sigmaB2 === 0 ? 'zeros' : tf.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(sigmaB2), seed: seed * 10_000 + 5000 + i }),
        ...(i === 0 ? { inputShape: [PIXELS] } : {}),
      }),
    );
  }
  return model;
}

/** The cells of a plan, shallow first. */
export function atlasCells(plan: AtlasPlan): Array<{ sigmaW2: number; depth: number }> {
  return plan.depths.flatMap((depth) => plan.sigmaW2.map((sigmaW2) => ({ sigmaW2, depth })));
}

/** Measures one cell: the gradient ratio at init, then a short training run. */
export async function runAtlasCell(
  cell: { sigmaW2: number; depth: number },
  plan: AtlasPlan,
  data: DigitTensors,
  seed = 1,
): Promise<AtlasCell> {
  const started = performance.now();
  const model = meanFieldMlp(cell.depth, plan.width, cell.sigmaW2, plan.sigmaB2, seed);
  const probe = data.trainImages.slice(0, 64);
  const signal = await signalPropagation(model, probe, { seed });
  probe.dispose();
  const backward = signal.layers.map((layer) => layer.backwardVariance);
  const last = backward[cell.depth - 1]!;
  const gradientRatio = last > 0 ? backward[0]! / last : Number.NaN;
  const chi1 = meanFieldPropagation('tanh', { sigmaW2: cell.sigmaW2, sigmaB2: plan.sigmaB2 }).chi1;
  const optimizer = tf.train.momentum(plan.learningRate, 0.9);
  const result = await trainClassifier(model, optimizer, data, { steps: plan.steps, batchSize: plan.batchSize });
  optimizer.dispose();
  model.dispose();
  return {
    ...cell,
    gradientRatio,
    predictedRatio: chi1 ** (cell.depth - 1),
    trained: result.testAccuracy >= plan.trainedAccuracy,
    finalLoss: result.finalLoss,
    testAccuracy: result.testAccuracy,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Mean-field theory for the plan: the critical point and χ₁, ξ_c, 6ξ_c on a fine σ_w² grid. */
export function atlasTheory(plan: AtlasPlan): { critical: AtlasResult['critical']; theory: AtlasTheoryPoint[] } {
  const low = Math.min(...plan.sigmaW2);
  const high = Math.max(...plan.sigmaW2);
  const theory = Array.from({ length: 36 }, (_, i) => low + ((high - low) * i) / 35).map((sigmaW2) => {
    const point = meanFieldPropagation('tanh', { sigmaW2, sigmaB2: plan.sigmaB2 });
    return { sigmaW2, chi1: point.chi1, depthScale: point.depthScale, trainableDepth: 6 * point.depthScale };
  });
  return { critical: { sigmaW2: criticalWeightVariance('tanh', { sigmaB2: plan.sigmaB2 }), sigmaB2: plan.sigmaB2 }, theory };
}
