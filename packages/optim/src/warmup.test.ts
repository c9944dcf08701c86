import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { warmup } from './warmup.js';

const factors = (plugin: { factorAt(update: number): number }, count: number) => Array.from({ length: count }, (_, t) => plugin.factorAt(t));

describe('warmup', () => {
  it("'linear' matches Optax linear_schedule(init_value = startFactor, end_value = 1, transition_steps = steps)", () => {
    // Reference (optax/schedules/_schedule.py, polynomial_schedule with power 1):
    //   count = clip(count, 0, steps); frac = 1 - count / steps; value = (init - end) * frac + end
    // evaluated with numpy for init 0.1, end 1, steps 4, counts 0..6.
    const golden = [0.1, 0.325, 0.55, 0.775, 1, 1, 1];
    const got = factors(warmup({ steps: 4, startFactor: 0.1 }), 7);
    got.forEach((value, t) => expect(value).toBeCloseTo(golden[t]!, 12));
    // Default start 0: the first update has rate 0 (Optax warmup_cosine_decay_schedule's init_value = 0).
    expect(factors(warmup({ steps: 4 }), 6)).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it("'exponential' is 1 − exp(−t/steps) (Ma & Yarats 2021), from startFactor", () => {
    const plugin = warmup({ steps: 4, curve: 'exponential' });
    expect(plugin.factorAt(0)).toBe(0);
    expect(plugin.factorAt(4)).toBeCloseTo(1 - Math.exp(-1), 12); // 0.632…
    expect(plugin.factorAt(12)).toBeCloseTo(0.950212931632136, 12);
    expect(warmup({ steps: 4, curve: 'exponential', startFactor: 0.5 }).factorAt(4)).toBeCloseTo(0.5 + 0.5 * (1 - Math.exp(-1)), 12);
  });

  it('invariants (fast-check): non-decreasing, within [startFactor, 1], 1 from `steps` on (linear)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('linear' as const, 'exponential' as const),
        fc.integer({ min: 0, max: 50_000 }),
        (steps, startFactor, curve, t) => {
          const plugin = warmup({ steps, startFactor, curve });
          const [now, next] = [plugin.factorAt(t), plugin.factorAt(t + 1)];
          expect(next).toBeGreaterThanOrEqual(now);
          expect(now).toBeGreaterThanOrEqual(startFactor - 1e-12);
          expect(now).toBeLessThanOrEqual(1 + 1e-12);
          if (curve === 'linear' && t >= steps) expect(now).toBeCloseTo(1, 12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => warmup(undefined as never)).toThrow(/warmup: steps must be an integer ≥ 1, got undefined/);
    expect(() => warmup({ steps: 0 })).toThrow(/warmup: steps must be an integer ≥ 1, got 0/);
    expect(() => warmup({ steps: 1.5 })).toThrow(/steps must be an integer ≥ 1, got 1.5/);
    expect(() => warmup({ steps: 10, curve: 'cosine' as never })).toThrow(/warmup: curve must be one of "linear", "exponential", got "cosine"/);
    expect(() => warmup({ steps: 10, startFactor: 2 })).toThrow(/warmup: startFactor must be in \[0, 1\], got 2/);
    expect(() => warmup({ step: 10 } as never)).toThrow(/warmup: unknown option 'step' \(did you mean 'steps'\?\)/);
    expect(() => warmup(null as never)).toThrow(/warmup: options must be/);
    expect(() => warmup({ steps: 3 }).factorAt(-1)).toThrow(/warmup.factorAt: update must be an integer ≥ 0, got -1/);
  });
});
