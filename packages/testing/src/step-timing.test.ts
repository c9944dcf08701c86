import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareStepTimes, type StepVariant } from './step-timing.js';

// compareStepTimes is checked on a fake clock: each step moves `performance.now()` by the time the
// test says it took, so ratios and quartiles are exact, and the order in which steps and readbacks
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

  it("takes turns step by step with interleave: 'step', reading every step back and rotating who goes first", async () => {
    useFakeClock();
    const log: string[] = [];
    const variants = ['a', 'b', 'c'].map((name) => fakeVariant(name, log, () => 1));
    const before = tf.memory().numTensors;
    await compareStepTimes(variants, { rounds: 2, stepsPerRound: 2, warmupRounds: 0, interleave: 'step' });
    expect(tf.memory().numTensors).toBe(before);
    const turns = ['a', 'b', 'c', 'b', 'c', 'a', 'b', 'c', 'a', 'c', 'a', 'b'];
    expect(log).toEqual(turns.flatMap((name) => [name, `read ${name}`]));
  });

  it('runs each variant\'s steps in a row by default, reading the last one back', async () => {
    useFakeClock();
    const log: string[] = [];
    const variants = ['a', 'b'].map((name) => fakeVariant(name, log, () => 1));
    await compareStepTimes(variants, { rounds: 2, stepsPerRound: 3, warmupRounds: 0 });
    expect(log).toEqual(['a', 'a', 'a', 'read a', 'b', 'b', 'b', 'read b', 'b', 'b', 'b', 'read b', 'a', 'a', 'a', 'read a']);
  });

  it.each(['round', 'step'] as const)('pairs ratios by round and reports their median and quartiles (interleave %s)', async (interleave) => {
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
    const [bare, stack] = await compareStepTimes([baseline, other], { rounds: 4, stepsPerRound, warmupRounds: 1, interleave });
    expect(bare!.ratio).toBe(1);
    expect(bare!.ratioQuartiles).toEqual([1, 1]);
    expect(bare!.msPerStep).toBe(10);
    // Per-round ratios 1.1, 1.3, 1.2, 1.5: median 1.25; quartiles at ranks 0.75 and 2.25 of the
    // sorted list (linear between ranks, like numpy's default).
    expect(stack!.ratio).toBeCloseTo(1.25, 12);
    expect(stack!.ratioQuartiles[0]).toBeCloseTo(1.175, 12);
    expect(stack!.ratioQuartiles[1]).toBeCloseTo(1.35, 12);
    expect(stack!.msPerStep).toBeCloseTo(12.5, 12);
  });

  it('rejects an empty list of variants', async () => {
    await expect(compareStepTimes([])).rejects.toThrow('no variants');
  });
});
