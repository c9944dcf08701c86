import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneCycle } from './one-cycle.js';

describe('oneCycle', () => {
  it('matches Optax cosine_onecycle_schedule', () => {
    // Reference (optax/schedules/_schedule.py), evaluated with numpy:
    //   piecewise_interpolate_schedule('cosine', peak / div, {int(pct_start * T): div, T: 1 / (div * final_div)})
    //   between bounds: end + (start - end) / 2 * (cos(pi * pct) + 1)
    // T 10, peak 1, pct_start 0.3, div 25, final_div 1e4, counts 0..11:
    const golden = [
      0.04, 0.28, 0.76, 1.0, 0.9504846320134737, 0.8117456539497631, 0.6112620219362893, 0.38874197806371075, 0.18825834605023697,
      0.049519367986526286, 4e-6, 4e-6,
    ];
    const plugin = oneCycle({ totalSteps: 10 });
    golden.forEach((value, t) => expect(plugin.factorAt(t)).toBeCloseTo(value, 12));
  });

  it('invariants (fast-check): within [final, 1], rises to 1 at floor(pctStart·totalSteps), then falls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 6000 }),
        (totalSteps, pctStart, t) => {
          const plugin = oneCycle({ totalSteps, pctStart });
          const peakAt = Math.floor(pctStart * totalSteps);
          const now = plugin.factorAt(t);
          expect(now).toBeLessThanOrEqual(1 + 1e-12);
          expect(now).toBeGreaterThanOrEqual(1 / 25 / 1e4 - 1e-15);
          expect(plugin.factorAt(peakAt)).toBeCloseTo(1, 12);
          const next = plugin.factorAt(t + 1);
          if (t + 1 <= peakAt) expect(next).toBeGreaterThanOrEqual(now);
          else expect(next).toBeLessThanOrEqual(now + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => oneCycle({} as never)).toThrow(/oneCycle: totalSteps must be an integer ≥ 1, got undefined/);
    expect(() => oneCycle({ totalSteps: 10, pctStart: 1 })).toThrow(/oneCycle: pctStart must be in \(0, 1\), got 1/);
    expect(() => oneCycle({ totalSteps: 10, divFactor: 0 })).toThrow(/oneCycle: divFactor must be a finite number > 0, got 0/);
    expect(() => oneCycle({ totalSteps: 10, finalDivFactor: Infinity })).toThrow(/oneCycle: finalDivFactor must be a finite number > 0, got Infinity/);
  });
});
