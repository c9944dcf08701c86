import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepDecay } from './step-decay.js';

describe('stepDecay', () => {
  it('matches Optax piecewise_constant_schedule', () => {
    // Reference (optax/schedules/_schedule.py): for (threshold, scale) in sorted(boundaries_and_scales):
    //   indicator = max(0, sign(threshold - count)); v = v * indicator + (1 - indicator) * scale * v
    // init 1, {3: 0.5, 6: 0.1}, counts 0..8 (numpy):
    const golden = [1, 1, 1, 0.5, 0.5, 0.5, 0.05, 0.05, 0.05];
    const plugin = stepDecay({ boundaries: [3, 6], factor: [0.5, 0.1] });
    golden.forEach((value, t) => expect(plugin.factorAt(t)).toBeCloseTo(value, 12));
    // One factor for every boundary = PyTorch StepLR(step_size = 2, gamma = 0.1) on [2, 4, 6].
    const stepLr = stepDecay({ boundaries: [2, 4, 6] });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => stepLr.factorAt(t))).toEqual([1, 1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1, 0.1 * 0.1 * 0.1]);
  });

  it('invariants (fast-check): with factors ≤ 1 it never increases; it is constant between boundaries', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1200 }),
        (unsorted, factor, t) => {
          const boundaries = [...unsorted].sort((a, b) => a - b);
          const plugin = stepDecay({ boundaries, factor });
          expect(plugin.factorAt(t + 1)).toBeLessThanOrEqual(plugin.factorAt(t));
          if (!boundaries.includes(t + 1)) expect(plugin.factorAt(t + 1)).toBe(plugin.factorAt(t));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => stepDecay({} as never)).toThrow(/stepDecay: boundaries must be a non-empty array of increasing integers ≥ 1, got undefined/);
    expect(() => stepDecay({ boundaries: [5, 3] })).toThrow(/boundaries must be a non-empty array of increasing integers ≥ 1, got \[5,3\]/);
    expect(() => stepDecay({ boundaries: [3], factor: -1 })).toThrow(/stepDecay: factor must be a finite number ≥ 0, got -1/);
    expect(() => stepDecay({ boundaries: [3, 6], factor: [0.1] })).toThrow(/stepDecay: factor must be one number, or one per boundary \(2\), got \[0.1\]/);
    expect(() => stepDecay({ boundaries: [3], factor: [Number.NaN] })).toThrow(/stepDecay: factor\[0\] must be a finite number ≥ 0, got NaN/);
  });
});
