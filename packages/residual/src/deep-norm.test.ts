import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepNorm } from './deep-norm.js';

// Goldens from the formulas of Wang et al. 2022 ("DeepNet", Figure 2), computed in Python:
//   N = 6: (2*N)**0.25, (8*N)**-0.25                       → 1.8612097182041991, 0.37991784282579627
//   N = M = 6: p = N**4*M; 0.81*p**(1/16), 0.87*p**(-1/16) → 1.417938140685523, 0.49698924077132345
//              (3*M)**0.25, (12*M)**-0.25                   → 2.0597671439071177, 0.34329452398451965
//   N = M = 100: encoder 3.4157416777715164, 0.206309512392564; decoder 4.161791450287817, 0.16990442448471224
describe('deepNorm', () => {
  it('encoder-only and decoder-only constants: α = (2N)^¼, β = (8N)^−¼', () => {
    const encoder = deepNorm({ encoderLayers: 6 });
    expect(encoder.alpha).toBeCloseTo(1.8612097182041991, 12);
    expect(encoder.beta).toBeCloseTo(0.37991784282579627, 12);
    expect(deepNorm({ decoderLayers: 6 })).toEqual(encoder);
    expect(deepNorm({ encoderLayers: 100 }).alpha).toBeCloseTo(3.7606030930863934, 12);
    expect(deepNorm({ encoderLayers: 100 }).beta).toBeCloseTo(0.1880301546543197, 12);
  });

  it('encoder–decoder constants', () => {
    const small = deepNorm({ encoderLayers: 6, decoderLayers: 6 });
    expect(small.encoder.alpha).toBeCloseTo(1.417938140685523, 12);
    expect(small.encoder.beta).toBeCloseTo(0.49698924077132345, 12);
    expect(small.decoder.alpha).toBeCloseTo(2.0597671439071177, 12);
    expect(small.decoder.beta).toBeCloseTo(0.34329452398451965, 12);
    const large = deepNorm({ encoderLayers: 100, decoderLayers: 100 });
    expect(large.encoder.alpha).toBeCloseTo(3.4157416777715164, 12);
    expect(large.encoder.beta).toBeCloseTo(0.206309512392564, 12);
    expect(large.decoder.alpha).toBeCloseTo(4.161791450287817, 12);
    expect(large.decoder.beta).toBeCloseTo(0.16990442448471224, 12);
  });

  it('invariants: α grows and β shrinks with depth, α⁴·β⁴ = 1/4 for one stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (layers) => {
        const shallow = deepNorm({ encoderLayers: layers });
        const deep = deepNorm({ encoderLayers: layers + 1 });
        expect(deep.alpha).toBeGreaterThan(shallow.alpha);
        expect(deep.beta).toBeLessThan(shallow.beta);
        // (2N)·(8N)^−1 = 1/4, independent of N.
        expect((shallow.alpha * shallow.beta) ** 4).toBeCloseTo(0.25, 10);
      }),
    );
  });

  it('rejects missing, non-integer and non-positive layer counts', () => {
    expect(() => deepNorm({} as never)).toThrow(/deepNorm: encoderLayers must be an integer ≥ 1 \(or give decoderLayers, or both\), got undefined/);
    expect(() => deepNorm({ encoderLayers: 0 })).toThrow(/deepNorm: encoderLayers must be an integer ≥ 1, got 0/);
    expect(() => deepNorm({ decoderLayers: 2.5 })).toThrow(/deepNorm: decoderLayers must be an integer ≥ 1, got 2.5/);
    expect(() => deepNorm({ layers: 3 } as never)).toThrow(/deepNorm: unknown option 'layers'/);
  });
});
