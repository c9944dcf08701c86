import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay.js';

const factors = (plugin: { factorAt(update: number): number }, count: number) => Array.from({ length: count }, (_, t) => plugin.factorAt(t));

describe('cosineDecay', () => {
  it('matches Optax warmup_cosine_decay_schedule', () => {
    // Reference (optax/schedules/_schedule.py), evaluated with numpy:
    //   join_schedules([linear_schedule(init, peak, warmup), cosine_decay_schedule(peak, decay - warmup, end / peak, exponent)], [warmup])
    //   cosine_decay_schedule: c = min(count, T); value = init * ((1 - alpha) * (0.5 * (1 + cos(pi * c / T))) ** exponent + alpha)
    // init 0.2, peak 1, warmup 3, decay 10, end 0.1, exponent 1, counts 0..12:
    const golden = [
      0.2, 0.46666666666666656, 0.7333333333333333, 1.0, 0.9554359905560885, 0.8305704108364301, 0.6501344202803414,
      0.44986557971965857, 0.26942958916356996, 0.14456400944391146, 0.1, 0.1, 0.1,
    ];
    factors(cosineDecay({ decaySteps: 10, warmupSteps: 3, startFactor: 0.2, endFactor: 0.1 }), 13).forEach((value, t) =>
      expect(value).toBeCloseTo(golden[t]!, 12),
    );
    // init 0, warmup 3, decay 10, end 0, exponent 2:
    const squared = [
      0.0, 0.33333333333333326, 0.6666666666666666, 1.0, 0.9034206591835512, 0.6589297841848275, 0.3736393584903548,
      0.15111842453404042, 0.035439982326093945, 0.002451791281132133, 0.0, 0.0, 0.0,
    ];
    factors(cosineDecay({ decaySteps: 10, warmupSteps: 3, exponent: 2 }), 13).forEach((value, t) => expect(value).toBeCloseTo(squared[t]!, 12));
  });

  it('invariants (fast-check): within [endFactor, 1], non-increasing after the warmup, endFactor from decaySteps on', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 20_000 }),
        (cosineSteps, warmupSteps, endFactor, t) => {
          const plugin = cosineDecay({ decaySteps: warmupSteps + cosineSteps, warmupSteps, endFactor });
          const now = plugin.factorAt(t);
          expect(now).toBeLessThanOrEqual(1 + 1e-12);
          if (t >= warmupSteps) {
            expect(now).toBeGreaterThanOrEqual(endFactor - 1e-12);
            expect(plugin.factorAt(t + 1)).toBeLessThanOrEqual(now + 1e-12);
          }
          if (t >= warmupSteps + cosineSteps) expect(now).toBeCloseTo(endFactor, 12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bad input names the option and the value', () => {
    expect(() => cosineDecay({} as never)).toThrow(/cosineDecay: decaySteps must be an integer ≥ 1, got undefined/);
    expect(() => cosineDecay({ decaySteps: 10, warmupSteps: 10 })).toThrow(/cosineDecay: warmupSteps must be less than decaySteps \(10\)/);
    expect(() => cosineDecay({ decaySteps: 10, endFactor: -0.1 })).toThrow(/cosineDecay: endFactor must be in \[0, 1\], got -0.1/);
    expect(() => cosineDecay({ decaySteps: 10, exponent: Number.NaN })).toThrow(/cosineDecay: exponent must be a finite number ≥ 0, got NaN/);
    expect(() => cosineDecay({ decaySteps: 10, alpha: 0.1 } as never)).toThrow(/cosineDecay: unknown option 'alpha'/);
  });
});
