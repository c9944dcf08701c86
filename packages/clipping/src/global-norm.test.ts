import * as tf from '@tensorflow/tfjs';
import { describeBackends, expectClose, testBackends } from '@gs/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { clipByValue } from './clip-by-value.js';
import { clipGradsByGlobalNorm, globalNorm } from './global-norm.js';
import { transformOnce } from './test-utils.js';

const backends = await testBackends();

// Golden values: PyTorch `torch.nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type=p)`
// (total = norm of the per-tensor p-norms; coef = clamp(max_norm / (total + 1e-6), max=1.0);
// grads *= coef), computed with numpy (no PyTorch available) by:
//   g1 = np.array([[3., -4., .5], [1., 2., -2.]]); g2 = np.array([.5, -1.5, 2.5])
//   per = [np.linalg.norm(g.ravel(), p) for g in (g1, g2)]; total = np.linalg.norm(per, p)
//   coef = min(1.0, 1.0 / (total + 1e-6)); print(total, coef, g1 * coef, g2 * coef)
const G1 = [[3, -4, 0.5], [1, 2, -2]];
const G2 = [0.5, -1.5, 2.5];
const GOLDEN = [
  {
    normType: 2 as const,
    total: 6.5574385243,
    scale: 0.1524985471,
    g1: [0.4574956412, -0.6099941883, 0.0762492735, 0.1524985471, 0.3049970942, -0.3049970942],
    g2: [0.0762492735, -0.2287478206, 0.3812463677],
  },
  {
    normType: 1 as const,
    total: 17,
    scale: 0.058823526,
    g1: [0.1764705779, -0.2352941038, 0.029411763, 0.058823526, 0.1176470519, -0.1176470519],
    g2: [0.029411763, -0.0882352889, 0.1470588149],
  },
  {
    normType: Infinity,
    total: 4,
    scale: 0.2499999375,
    g1: [0.7499998125, -0.99999975, 0.1249999688, 0.2499999375, 0.499999875, -0.499999875],
    g2: [0.1249999688, -0.3749999063, 0.6249998438],
  },
];

describeBackends('global-norm clipping golden values (PyTorch clip_grad_norm_)', backends, () => {
  for (const golden of GOLDEN) {
    it(`normType ${golden.normType}: clipGradsByGlobalNorm and clipByGlobalNorm match clip_grad_norm_`, async () => {
      const grads = { 'layer/kernel': tf.tensor2d(G1), 'layer/bias': tf.tensor1d(G2) };
      const norm = globalNorm(grads, golden.normType);
      await expectClose(norm, [golden.total], { rtol: 1e-6 });
      const clipped = clipGradsByGlobalNorm(grads, 1, { normType: golden.normType });
      await expectClose(clipped.norm, [golden.total], { rtol: 1e-6 });
      await expectClose(clipped.scale, [golden.scale], { rtol: 1e-6 });
      await expectClose(clipped.grads['layer/kernel']!, golden.g1, { rtol: 1e-6 });
      await expectClose(clipped.grads['layer/bias']!, golden.g2, { rtol: 1e-6 });

      const plugin = await transformOnce(clipByGlobalNorm(1, { normType: golden.normType }), grads);
      await expectClose(plugin.grads['layer/kernel']!, golden.g1, { rtol: 1e-6 });
      await expectClose(plugin.grads['layer/bias']!, golden.g2, { rtol: 1e-6 });
      await expectClose([plugin.values['norm'] as number], [golden.total], { rtol: 1e-6 });
      await expectClose([plugin.values['scale'] as number], [golden.scale], { rtol: 1e-6 });
      expect(plugin.values['clipped']).toBe(1);
      tf.dispose([norm, clipped.norm, clipped.scale, ...Object.values(clipped.grads), ...Object.values(grads)]);
    });
  }

  it('handles many gradients (40: more than the 8 storage buffers a WebGPU kernel may bind)', async () => {
    // Gradient i is [i, i+1]: sum of squares over i = 0..39 is Σ i² + Σ (i+1)² = 20540 + 22140 = 42680;
    // L1 = Σ (2i + 1) = 1600; max = 40.
    const grads = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`layer${i}/kernel`, tf.tensor1d([i, i + 1])]));
    const norms = [globalNorm(grads, 2), globalNorm(grads, 1), globalNorm(grads, Infinity)];
    await expectClose(tf.stack(norms), [Math.sqrt(42680), 1600, 40], { rtol: 1e-6 });
    const { values } = await transformOnce(clipByValue(1), grads);
    await expectClose([values['norm'] as number], [Math.sqrt(42680)], { rtol: 1e-6 });
    tf.dispose([...norms, ...Object.values(grads)]);
  });

  it('leaves gradients under the limit untouched and records scale 1, clipped 0', async () => {
    const grads = { a: tf.tensor1d([0.3, -0.4]) };
    const { grads: out, values } = await transformOnce(clipByGlobalNorm(1), grads);
    expect(out['a']).toEqual(Array.from(await grads.a.data()));
    expect(values['scale']).toBe(1);
    expect(values['clipped']).toBe(0);
    tf.dispose(Object.values(grads));
  });
});

// Invariants (property-based): for any gradients and limit,
// - the global norm after clipping is ≤ max (up to float32 rounding),
// - clipping twice equals clipping once,
// - gradients whose norm is under the limit pass through unchanged, and scale is exactly 1 iff not clipped.
describe('global-norm clipping invariants (fast-check)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const gradientSet = fc.array(fc.array(fc.float({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 6 }), {
    minLength: 1,
    maxLength: 4,
  });
  const limit = fc.float({ min: Math.fround(1e-2), max: 1e3, noNaN: true });
  const normType = fc.constantFrom(2 as const, 1 as const, Infinity);
  const toGrads = (arrays: number[][]) => Object.fromEntries(arrays.map((values, i) => [`p${i}`, tf.tensor1d(values)]));

  it('norm after clipping ≤ max; clipping twice = clipping once; scale 1 exactly iff not clipped', async () => {
    await fc.assert(
      fc.asyncProperty(gradientSet, limit, normType, async (arrays, max, type) => {
        const grads = toGrads(arrays);
        const once = clipGradsByGlobalNorm(grads, max, { normType: type });
        const twice = clipGradsByGlobalNorm(once.grads, max, { normType: type });
        const after = globalNorm(once.grads, type);
        const [normBefore] = await once.norm.data();
        const [scale] = await once.scale.data();
        const [normAfter] = await after.data();
        expect(normAfter!).toBeLessThanOrEqual(max * (1 + 1e-5));
        for (const name of Object.keys(grads)) {
          await expectClose(twice.grads[name]!, once.grads[name]!, { rtol: 1e-5, atol: 1e-6 });
        }
        // Clearly under the limit (norm + eps < max): scale is exactly 1 and gradients are bit-identical;
        // clearly over it: scale < 1. (No assertion within float32 rounding of the boundary.)
        const denominator = normBefore! + 1e-6;
        if (denominator < max * (1 - 1e-5)) {
          expect(scale).toBe(1);
          for (const name of Object.keys(grads)) expect(Array.from(await once.grads[name]!.data())).toEqual(Array.from(await grads[name]!.data()));
        } else if (denominator > max * (1 + 1e-5)) {
          expect(scale!).toBeLessThan(1);
        }
        tf.dispose([...Object.values(grads), ...Object.values(once.grads), ...Object.values(twice.grads), once.norm, once.scale, twice.norm, twice.scale, after]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('global-norm bad input', () => {
  it('names the option and the value', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(/clipByGlobalNorm: max must be a finite number > 0, got 0/);
    expect(() => clipByGlobalNorm(-1)).toThrow(/max must be a finite number > 0, got -1/);
    expect(() => clipByGlobalNorm(Number.NaN)).toThrow(/max must be a finite number > 0, got NaN/);
    expect(() => clipByGlobalNorm(1, { normType: 3 as 2 })).toThrow(/clipByGlobalNorm: normType must be one of 2, 1, Infinity, got 3/);
    expect(() => clipByGlobalNorm(1, { eps: -1 })).toThrow(/eps must be a finite number ≥ 0, got -1/);
    expect(() => clipByGlobalNorm(1, { clipNorm: 1 } as object)).toThrow(/unknown option 'clipNorm'/);
    expect(() => clipGradsByGlobalNorm({}, 0)).toThrow(/clipGradsByGlobalNorm: max must be a finite number > 0, got 0/);
    expect(() => clipGradsByGlobalNorm([] as unknown as Record<string, tf.Tensor>, 1)).toThrow(/grads must be a map/);
    expect(() => globalNorm({}, 0 as 2)).toThrow(/globalNorm: normType must be one of/);
  });
});
