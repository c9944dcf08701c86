import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussHermite } from './gauss-hermite.js';
import { criticalWeightVariance, MEAN_FIELD_ACTIVATIONS, meanFieldPropagation } from './mean-field.js';

const sech = (x: number) => 1 / Math.cosh(x);

describe('gaussHermite', () => {
  it('matches numpy for 6 points and integrates normal moments exactly', () => {
    // numpy: z, w = np.polynomial.hermite_e.hermegauss(6); w / np.sqrt(2 * np.pi)
    const { nodes, weights } = gaussHermite(6);
    const numpyNodes = [-3.32425743, -1.88917588, -0.61670659, 0.61670659, 1.88917588, 3.32425743];
    const numpyWeights = [0.00255578, 0.08861575, 0.40882847, 0.40882847, 0.08861575, 0.00255578];
    nodes.forEach((node, i) => expect(node).toBeCloseTo(numpyNodes[i]!, 7));
    weights.forEach((weight, i) => expect(weight).toBeCloseTo(numpyWeights[i]!, 7));
    for (const points of [6, 7, 100, 150]) {
      const rule = gaussHermite(points);
      const moment = (k: number) => rule.nodes.reduce((sum, z, i) => sum + rule.weights[i]! * z ** k, 0);
      expect(moment(0)).toBeCloseTo(1, 12);
      expect(moment(1)).toBeCloseTo(0, 12);
      expect(moment(2)).toBeCloseTo(1, 10);
      expect(moment(4)).toBeCloseTo(3, 9);
      expect(moment(6)).toBeCloseTo(15, 8);
    }
    expect(gaussHermite(7).nodes[3]).toBe(0);
  });

  it('rejects sizes outside [2, 150]', () => {
    expect(() => gaussHermite(1)).toThrow(/gaussHermite: points must be an integer ≥ 2, got 1/);
    expect(() => gaussHermite(2.5)).toThrow(/points/);
    expect(() => gaussHermite(151)).toThrow(/at most 150/);
  });
});

describe('meanFieldPropagation', () => {
  it('tanh at σ_b² = 0 and σ_w² ≤ 1: q* = 0 and χ₁ = σ_w²·E[sech⁴(0)] = σ_w² (ordered, or critical at 1)', () => {
    for (const sigmaW2 of [0.25, 0.5, 0.8, 0.99]) {
      const point = meanFieldPropagation('tanh', { sigmaW2 });
      expect(point.qStar).toBe(0);
      expect(point.chi1).toBeCloseTo(sigmaW2, 10);
      expect(point.phase).toBe('ordered');
      expect(point.depthScale).toBeCloseTo(-1 / Math.log(sigmaW2), 6);
    }
    expect(meanFieldPropagation('tanh', { sigmaW2: 1 }).phase).toBe('critical');
  });

  it('tanh away from 0: q* and χ₁ = σ_w²·E[sech⁴(√q*·z)] match an independent adaptive quadrature (scipy)', () => {
    // scipy: E = lambda f: quad(lambda z: f(z) * norm.pdf(z), -12, 12, epsrel=1e-13)[0]
    //        q = brentq(lambda q: 2.5 * E(lambda z: tanh(sqrt(q) z)**2) + 0.3 - q, 1e-6, 50)  → 1.4577160136503473
    //        2.5 * E(lambda z: cosh(sqrt(q) z)**-4)                                           → 0.9989292735184199
    const ordered = meanFieldPropagation('tanh', { sigmaW2: 2.5, sigmaB2: 0.3 });
    expect(ordered.qStar).toBeCloseTo(1.4577160136503473, 7);
    expect(ordered.chi1).toBeCloseTo(0.9989292735184199, 6);
    expect(ordered.phase).toBe('ordered');
    expect(ordered.cStar).toBe(1);
    expect(ordered.chiC).toBe(ordered.chi1);
    // σ_w² = 1.5, σ_b² = 0 is chaotic: q* = 0.28689422937999126, χ₁ = 1.040567565032521; tanh is odd
    // and there is no bias, so c* = 0 and χ_c = σ_w²·E[sech²(√q*·z)]² = 0.9810837404743775.
    const chaotic = meanFieldPropagation('tanh', { sigmaW2: 1.5 });
    expect(chaotic.qStar).toBeCloseTo(0.28689422937999126, 9);
    expect(chaotic.chi1).toBeCloseTo(1.040567565032521, 9);
    expect(chaotic.phase).toBe('chaotic');
    expect(Math.abs(chaotic.cStar)).toBeLessThan(1e-9);
    expect(chaotic.chiC).toBeCloseTo(0.9810837404743775, 8);
    expect(chaotic.depthScale).toBeCloseTo(-1 / Math.log(0.9810837404743775), 4);
    expect(chaotic.gradientDepthScale).toBeCloseTo(1 / Math.log(1.040567565032521), 4);
    // scipy: -1 / log(chi1(1.5, 0.05)) → 15.790994034122852
    expect(meanFieldPropagation('tanh', { sigmaW2: 1.5, sigmaB2: 0.05 }).depthScale).toBeCloseTo(15.790994034122852, 5);
  });

  // The 150-point rule is the reference; the default 100-point rule is within ~1e-6 for tanh at
  // q* ≤ 2.2 (sech⁴ has poles near the real axis, so Gauss–Hermite converges slowly there).
  it('invariants: q* is a fixed point of the length map and χ₁ = σ_w²·E[sech⁴(√q*·z)], checked with a finer rule', () => {
    const rule = gaussHermite(150);
    const expect150 = (f: (z: number) => number) => rule.nodes.reduce((sum, z, i) => sum + rule.weights[i]! * f(z), 0);
    fc.assert(
      fc.property(fc.double({ min: 0.3, max: 4, noNaN: true }), fc.double({ min: 0.001, max: 0.5, noNaN: true }), (sigmaW2, sigmaB2) => {
        const point = meanFieldPropagation('tanh', { sigmaW2, sigmaB2 });
        const root = Math.sqrt(point.qStar);
        expect(Math.abs(sigmaW2 * expect150((z) => Math.tanh(root * z) ** 2) + sigmaB2 - point.qStar)).toBeLessThan(1e-5);
        expect(Math.abs(point.chi1 - sigmaW2 * expect150((z) => sech(root * z) ** 4))).toBeLessThan(1e-5);
        expect(point.phase).toBe(point.chi1 < 1 ? 'ordered' : 'chaotic');
        if (point.phase === 'chaotic') expect(point.cStar).toBeLessThan(1);
      }),
      { numRuns: 25, seed: 15 },
    );
  });

  it('ReLU: χ₁ = σ_w²/2 at any q*; linear: χ₁ = σ_w²; a custom {fn, derivative} gives the named result', () => {
    for (const sigmaW2 of [1, 1.5, 2, 3]) expect(meanFieldPropagation('relu', { sigmaW2, sigmaB2: 0.1 }).chi1).toBeCloseTo(sigmaW2 / 2, 12);
    expect(meanFieldPropagation('relu', { sigmaW2: 3, sigmaB2: 0.1 }).qStar).toBe(Number.POSITIVE_INFINITY);
    // Below σ_w² = 1 with a bias: q* = σ_b²/(1 − σ_w²) exactly.
    expect(meanFieldPropagation('linear', { sigmaW2: 0.6, sigmaB2: 0.2 }).qStar).toBeCloseTo(0.5, 12);
    expect(meanFieldPropagation('linear', { sigmaW2: 0.6, sigmaB2: 0.2 }).chi1).toBeCloseTo(0.6, 12);
    const custom = meanFieldPropagation({ fn: Math.tanh, derivative: (x) => sech(x) ** 2 }, { sigmaW2: 2, sigmaB2: 0.1 });
    const named = meanFieldPropagation('tanh', { sigmaW2: 2, sigmaB2: 0.1 });
    for (const key of ['qStar', 'chi1', 'cStar', 'chiC', 'depthScale'] as const) expect(custom[key]).toBeCloseTo(named[key], 9);
  });

  it('rejects bad input naming the function and option', () => {
    const call = (activation: unknown, options: unknown) => () => meanFieldPropagation(activation as 'tanh', options as { sigmaW2: number });
    expect(call('tahn', { sigmaW2: 1 })).toThrow(/meanFieldPropagation: activation must be one of .*tanh/);
    expect(call(null, { sigmaW2: 1 })).toThrow(/meanFieldPropagation: activation must be/);
    expect(call({ fn: Math.tanh }, { sigmaW2: 1 })).toThrow(/meanFieldPropagation: activation.derivative must be a function/);
    expect(call('tanh', undefined)).toThrow(/meanFieldPropagation: sigmaW2 must be a finite number > 0, got undefined/);
    expect(call('tanh', { sigmaW2: Number.NaN })).toThrow(/sigmaW2/);
    expect(call('tanh', { sigmaW2: 1, sigmaB2: -1 })).toThrow(/sigmaB2/);
    expect(call('tanh', { sigmaW2: 1, sigmaw2: 1 })).toThrow(/unknown option 'sigmaw2'/);
    expect(call('tanh', { sigmaW2: 1, quadraturePoints: 1000 })).toThrow(/quadraturePoints must be an integer in \[2, 150\]/);
    expect(call('tanh', 3)).toThrow(/meanFieldPropagation: options must be an object/);
  });
});

describe('criticalWeightVariance', () => {
  it('known values: tanh at σ_b² = 0 → 1, ReLU → 2 (He init), linear → 1; tanh at σ_b² = 0.05 matches scipy', () => {
    expect(criticalWeightVariance('tanh')).toBeCloseTo(1, 6);
    expect(criticalWeightVariance('relu')).toBeCloseTo(2, 10);
    expect(criticalWeightVariance('relu', { sigmaB2: 0.1 })).toBeCloseTo(2, 10);
    expect(criticalWeightVariance('linear')).toBeCloseTo(1, 10);
    // scipy: brentq(lambda s: chi1(s, 0.05) - 1, 1.2, 3) with chi1 as above → 1.7609546396067424
    expect(criticalWeightVariance('tanh', { sigmaB2: 0.05 })).toBeCloseTo(1.7609546396067424, 7);
    const critical = meanFieldPropagation('tanh', { sigmaW2: criticalWeightVariance('tanh', { sigmaB2: 0.05 }), sigmaB2: 0.05 });
    expect(critical.phase).toBe('critical');
    expect(critical.depthScale).toBeGreaterThan(1e4);
  });

  it('grows with σ_b² along the critical line, for every known activation where one exists', () => {
    const line = [0, 0.01, 0.05, 0.1, 0.3].map((sigmaB2) => criticalWeightVariance('tanh', { sigmaB2 }));
    for (let i = 1; i < line.length; i++) expect(line[i]).toBeGreaterThan(line[i - 1]!);
    for (const activation of MEAN_FIELD_ACTIVATIONS.filter((name) => name !== 'swish')) {
      const sigmaW2 = criticalWeightVariance(activation, { sigmaB2: 0.01 });
      expect(meanFieldPropagation(activation, { sigmaW2, sigmaB2: 0.01 }).chi1, activation).toBeCloseTo(1, 5);
    }
    // swish: q* jumps between two fixed points as σ_w² grows, so χ₁ steps over 1 (0.72 → above 1).
    expect(() => criticalWeightVariance('swish', { sigmaB2: 0.01 })).toThrow(/criticalWeightVariance: χ₁ jumps over 1 near σ_w² ≈ 2.78/);
  });

  it('rejects bad options', () => {
    expect(() => criticalWeightVariance('tanh', { sigmaW2: 1 } as never)).toThrow(/criticalWeightVariance: unknown option 'sigmaW2'/);
    expect(() => criticalWeightVariance('tanh', { sigmaB2: Number.POSITIVE_INFINITY })).toThrow(/criticalWeightVariance: sigmaB2/);
    expect(() => criticalWeightVariance('gelu' as 'tanh')).toThrow(/criticalWeightVariance: activation must be one of/);
  });
});
