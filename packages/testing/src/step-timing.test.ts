import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareStepTimes, medianInterval, type StepVariant } from './step-timing.js';

// compareStepTimes is checked on a fake clock: each step moves `performance.now()` by the time the
// test says it took, so ratios and intervals are exact, and the order in which steps and readbacks
// happen is recorded.
describe('compareStepTimes', () => {
  let clock = 0;
  afterEach(() => vi.restoreAllMocks());

  /** A variant whose step number `call` (from 0) takes `cost(call)` fake milliseconds; logs its steps and readbacks. */
  function fakeVariant(name: string, log: string[], cost: (call: number) => number): StepVariant {
    let calls = 0;
    return {
      name,
      step: () => {
        clock += cost(calls++);
        log.push(name);
        const result = tf.scalar(0);
        const read = result.data.bind(result);
        result.data = () => {
          log.push(`read ${name}`);
          return read();
        };
        return result;
      },
    };
  }

  function useFakeClock(): void {
    clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
  }

  it("runs each variant's steps in a row, reading the last one back, the first to go rotating by round", async () => {
    useFakeClock();
    const log: string[] = [];
    const variants = ['a', 'b'].map((name) => fakeVariant(name, log, () => 1));
    const before = tf.memory().numTensors;
    await compareStepTimes(variants, { rounds: 2, stepsPerRound: 3, warmupRounds: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(log).toEqual(['a', 'a', 'a', 'read a', 'b', 'b', 'b', 'read b', 'b', 'b', 'b', 'read b', 'a', 'a', 'a', 'read a']);
  });

  it('with bracket, runs the baseline before, between and after the others, rotating the others by round', async () => {
    useFakeClock();
    const log: string[] = [];
    const variants = ['a', 'b', 'c'].map((name) => fakeVariant(name, log, () => 1));
    await compareStepTimes(variants, { rounds: 2, stepsPerRound: 1, warmupRounds: 0, bracket: true });
    const blocks = ['a', 'b', 'a', 'c', 'a', 'a', 'c', 'a', 'b', 'a'];
    expect(log).toEqual(blocks.flatMap((name) => [name, `read ${name}`]));
  });

  it.each([false, true])('pairs ratios by round and reports their median and its interval (bracket: %s)', async (bracket) => {
    useFakeClock();
    const log: string[] = [];
    const stepsPerRound = 2;
    // The baseline takes 10 ms a step; the other variant 11, 13, 12 and 15 ms in the four timed
    // rounds, after one warm-up round at 100 ms that must not count.
    const baseline = fakeVariant('bare', log, () => 10);
    const other = fakeVariant('stack', log, (call) => {
      const round = Math.floor(call / stepsPerRound) - 1;
      return round < 0 ? 100 : [11, 13, 12, 15][round]!;
    });
    const [bare, stack] = await compareStepTimes([baseline, other], { rounds: 4, stepsPerRound, warmupRounds: 1, bracket });
    expect(bare!.ratio).toBe(1);
    expect(bare!.ratioInterval).toMatchObject({ low: 1, high: 1 });
    expect(bare!.msPerStep).toBe(10);
    // Per-round ratios 1.1, 1.3, 1.2, 1.5: median 1.25; with four rounds the interval is their
    // whole range, at 1 − 2/2⁴ = 87.5 %.
    expect(stack!.ratio).toBeCloseTo(1.25, 12);
    expect(stack!.ratioInterval.low).toBeCloseTo(1.1, 12);
    expect(stack!.ratioInterval.high).toBeCloseTo(1.5, 12);
    expect(stack!.ratioInterval.confidence).toBe(0.875);
    expect(stack!.msPerStep).toBeCloseTo(12.5, 12);
  });

  it('with bracket, compares each variant with the baseline blocks on either side of it', async () => {
    useFakeClock();
    const log: string[] = [];
    // The machine slows down block by block: the n-th block's steps take (1 + n/10) times their
    // cost. Blocks: bare, a, bare, b, bare — both variants cost as much as the baseline.
    let block = 0;
    const slowing = (name: string) => fakeVariant(name, log, () => 10 * (1 + block++ / 10));
    const variants = [slowing('bare'), slowing('a'), slowing('b')];
    const [, a, b] = await compareStepTimes(variants, { rounds: 1, stepsPerRound: 1, warmupRounds: 0, bracket: true });
    // Block times 10, 11, 12, 13, 14: a = 11 / mean(10, 12), b = 13 / mean(12, 14) — exactly 1,
    // where the round's mean baseline (12) would give 0.917 and 1.083.
    expect(a!.ratio).toBeCloseTo(1, 12);
    expect(b!.ratio).toBeCloseTo(1, 12);
  });

  it('gives a median interval from order statistics at the binomial confidence', () => {
    // Coverage of [x₍ₖ₎, x₍ₙ₊₁₋ₖ₎] is 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½), computed here by hand;
    // the ranks for 95 % (n = 9: 2nd/8th, 12: 3rd/10th, 15: 4th/12th) are those of the published
    // tables of the median's confidence interval.
    const ranks = (n: number) => Array.from({ length: n }, (_, i) => n - i); // n … 1, unsorted on purpose
    const cases: [n: number, low: number, high: number, confidence: number][] = [
      [1, 1, 1, 0],
      [5, 1, 5, 1 - 2 / 32],
      [8, 1, 8, 1 - 2 / 256],
      [9, 2, 8, 1 - (2 * (1 + 9)) / 512],
      [12, 3, 10, 1 - (2 * (1 + 12 + 66)) / 4096],
      [15, 4, 12, 1 - (2 * (1 + 15 + 105 + 455)) / 32768],
    ];
    for (const [n, low, high, confidence] of cases) {
      const interval = medianInterval(ranks(n));
      expect(interval, `n = ${n}`).toMatchObject({ low, high });
      expect(interval.confidence, `n = ${n}`).toBeCloseTo(confidence, 12);
    }
    // A lower confidence narrows the interval: n = 12 at 80 % gives the 4th and 9th (85.4 %).
    expect(medianInterval(ranks(12), 0.8)).toMatchObject({ low: 4, high: 9 });
    expect(medianInterval(ranks(12), 0.8).confidence).toBeCloseTo(1 - (2 * (1 + 12 + 66 + 220)) / 4096, 12);
  });

  it('rejects an empty list of variants', async () => {
    await expect(compareStepTimes([])).rejects.toThrow('no variants');
  });
});
