import { setupBackend } from '@gs/backends';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoSize } from './configuration.js';
import { type DemoResult, runDemo } from './demo.js';
import { loadMnist } from './mnist-node.js';
import type { RunResult } from './run-configuration.js';

// The "Must show" claims, checked on the demo pipeline at a small size (a few minutes on
// 2 busy cores would not fit CI; the claims hold at this size too). Backend: GS_DEMO_BACKEND, default wasm.
const SIZE: DemoSize = { depth: 16, width: 48, steps: 80, batchSize: 64, trainImages: 2000, testImages: 500 };
const CONFIGURATIONS = [
  'sigmoid-baseline',
  'relu-he',
  'sigmoid-batchnorm',
  'sigmoid-rezero',
  'sigmoid-adam',
  'sigmoid-adam-small-eps',
  'relu-normal-baseline',
  'relu-he-init',
  'relu-high-lr',
  'relu-high-lr-clip',
];
const CHANCE = 0.1;

let demo: DemoResult;
const run = (id: string): RunResult => {
  const found = demo.runs.find((result) => result.configuration.id === id);
  if (!found) throw new Error(`configuration ${id} did not run`);
  return found;
};

beforeAll(async () => {
  const backend = await setupBackend((process.env.GS_DEMO_BACKEND as 'wasm' | undefined) ?? 'wasm');
  demo = await runDemo({ backend, size: SIZE, data: loadMnist({ train: SIZE.trainImages, test: SIZE.testImages }), only: CONFIGURATIONS, every: 4 });
}, 600_000);

describe('demo: the seed figures', () => {
  it('sigmoid gradient from tf.grad peaks at 0.25 at x = 0 and is below 4e-4 at x = -8', () => {
    // tf.range accumulates float32 rounding: the grid point nearest 0 is off by about 1e-6.
    const distances = demo.sigmoid.x.map((x) => Math.abs(x));
    const zero = distances.indexOf(Math.min(...distances));
    expect(demo.sigmoid.x).toHaveLength(160);
    expect(demo.sigmoid.x[zero]).toBeCloseTo(0, 4);
    expect(demo.sigmoid.gradient[zero]).toBeCloseTo(0.25, 5);
    // σ'(−8) = e^−8 / (1 + e^−8)² ≈ 3.35e−4
    expect(demo.sigmoid.gradient[0]).toBeCloseTo(Math.exp(-8) / (1 + Math.exp(-8)) ** 2, 6);
  });

  it('the N(0,1) matrix product reaches ≥ 1e20 after 100 products; the orthogonal one stays within 1e-3 of 1', () => {
    const normal = demo.matrixProducts['N(0, 1) entries']!;
    const orthogonal = demo.matrixProducts['orthogonal']!;
    expect(normal).toHaveLength(101);
    expect(normal[100]).toBeGreaterThanOrEqual(1e20);
    for (const norm of orthogonal) expect(Math.abs(norm - 1)).toBeLessThan(1e-3);
  });
});

describe('demo: vanishing gradients', () => {
  it('baseline sigmoid net: first-layer gradient ≥ 1000× smaller than the last, accuracy near chance', () => {
    const baseline = run('sigmoid-baseline');
    expect(baseline.firstLayerGradientNorm * 1000).toBeLessThanOrEqual(baseline.lastLayerGradientNorm);
    expect(baseline.testAccuracy).toBeLessThan(CHANCE + 0.08);
    expect(baseline.events.some((event) => event.kind === 'vanishingGradients')).toBe(true);
  });

  it.each(['relu-he', 'sigmoid-batchnorm', 'sigmoid-rezero'])('%s reaches clearly better accuracy in the same steps', (id) => {
    const remedy = run(id);
    expect(remedy.testAccuracy).toBeGreaterThan(run('sigmoid-baseline').testAccuracy + 0.15);
    expect(remedy.nonFinite).toBe(false);
  });
});

describe("demo: Adam's ε", () => {
  it("a small ε moves the vanishing net's first layer ≥ 1000× further than tfjs's ε = 1e-7 (measured ≈ 4e9× at depth 20)", () => {
    const [adam, smallEpsilon] = [run('sigmoid-adam'), run('sigmoid-adam-small-eps')];
    expect(adam.kernelWeightChanges).toHaveLength(SIZE.depth + 1);
    expect(smallEpsilon.kernelWeightChanges[0]).toBeGreaterThan(1000 * adam.kernelWeightChanges[0]!);
    // Near the output the gradient is far above both ε: the two runs move those layers alike.
    expect(Math.abs(smallEpsilon.kernelWeightChanges.at(-1)! / adam.kernelWeightChanges.at(-1)! - 1)).toBeLessThan(0.2);
    // SGD's first-layer step (lr·‖g‖ ≈ 1e-12) is all but lost in float32 rounding.
    expect(run('sigmoid-baseline').kernelWeightChanges[0]).toBeLessThan(1e-6);
  });
});

describe('demo: exploding gradients', () => {
  it('the N(0,1) ReLU net has non-finite or > 1e10 gradient norms', () => {
    const baseline = run('relu-normal-baseline');
    const norm = baseline.maxGlobalGradientNorm;
    expect(!Number.isFinite(norm) || norm > 1e10).toBe(true);
  });

  it('He re-initialization stays finite and learns', () => {
    const remedy = run('relu-he-init');
    expect(remedy.nonFinite).toBe(false);
    expect(remedy.finalLoss).toBeLessThan(remedy.history[0]!.loss);
    expect(remedy.testAccuracy).toBeGreaterThan(CHANCE + 0.15);
  });

  it('at a high learning rate, clipByGlobalNorm stays finite and learns where plain SGD stalls', () => {
    const clipped = run('relu-high-lr-clip');
    expect(clipped.nonFinite).toBe(false);
    expect(clipped.finalLoss).toBeLessThan(clipped.history[0]!.loss - 0.2);
    expect(clipped.testAccuracy).toBeGreaterThan(run('relu-high-lr').testAccuracy + 0.1);
  });
});
