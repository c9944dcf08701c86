import * as tf from '@tensorflow/tfjs';

/** One way of running a training step, to be timed against the others. */
export interface StepVariant {
  /** Shown in the printed table. */
  name: string;
  /**
   * Runs one step. It may return a tensor (e.g. the loss); the timer reads the last step's tensor
   * of each batch back with `data()`, so queued GPU work is included in the time.
   */
  step: () => tf.Tensor | void | Promise<tf.Tensor | void>;
}

/** The result of `compareStepTimes`. */
export interface StepTiming {
  name: string;
  /** Median milliseconds per step over the rounds. */
  msPerStep: number;
  /** This variant's time over the first variant's (the baseline) in the same round, median over rounds. */
  ratio: number;
  /**
   * Median CPU milliseconds per step of the whole process (every thread: wasm, and WebGPU through
   * a software adapter such as lavapipe, run on this process's threads), in Node only. Unlike wall
   * time it barely moves when other processes load the machine.
   */
  cpuMsPerStep?: number;
  /** The CPU time over the baseline's in the same round, median over rounds. */
  cpuRatio?: number;
}

/** The process's CPU time in milliseconds (user + system, all threads), where Node gives it. */
function cpuMilliseconds(): number | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
}

/**
 * Times several step variants in one run, interleaved round by round (so drift and background load
 * hit every variant alike), and reports the median ms/step of each and its ratio to the first
 * (paired by round).
 *
 * Each round runs `stepsPerRound` steps of every variant in turn, then reads the last result back
 * (asynchronously) so GPU work is counted. `warmupRounds` rounds are run first and discarded.
 */
export async function compareStepTimes(
  variants: readonly StepVariant[],
  { rounds = 15, stepsPerRound = 5, warmupRounds = 2 }: { rounds?: number; stepsPerRound?: number; warmupRounds?: number } = {},
): Promise<StepTiming[]> {
  if (variants.length === 0) throw new Error('compareStepTimes: no variants');
  const samples = variants.map(() => [] as number[]);
  const cpuSamples = variants.map(() => [] as number[]);
  for (let round = 0; round < warmupRounds + rounds; round++) {
    // Rotate the starting variant so no variant always runs first in a round.
    for (let offset = 0; offset < variants.length; offset++) {
      const index = (round + offset) % variants.length;
      const variant = variants[index]!;
      const start = performance.now();
      const cpuStart = cpuMilliseconds();
      let last: tf.Tensor | void = undefined;
      for (let i = 0; i < stepsPerRound; i++) {
        if (last) last.dispose();
        last = await variant.step();
      }
      if (last) {
        await last.data();
        last.dispose();
      } else {
        await tf.ready();
      }
      const elapsed = (performance.now() - start) / stepsPerRound;
      const cpuEnd = cpuMilliseconds();
      if (round >= warmupRounds) {
        samples[index]!.push(elapsed);
        if (cpuStart !== undefined && cpuEnd !== undefined) cpuSamples[index]!.push((cpuEnd - cpuStart) / stepsPerRound);
      }
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  // Ratios are paired: the median over rounds of (this variant's time / the baseline's time in the
  // same round), so slow drifts of the machine's load cancel within a round.
  const pairedRatio = (values: number[][], i: number) => median(values[i]!.map((value, round) => value / values[0]![round]!));
  const medians = samples.map(median);
  const cpuMedians = cpuSamples.every((values) => values.length > 0) ? cpuSamples.map(median) : undefined;
  return variants.map((variant, i) => ({
    name: variant.name,
    msPerStep: medians[i]!,
    ratio: pairedRatio(samples, i),
    ...(cpuMedians ? { cpuMsPerStep: cpuMedians[i]!, cpuRatio: pairedRatio(cpuSamples, i) } : {}),
  }));
}

/** Prints timings as an aligned table under a title, e.g. "stabilize overhead [wasm]". */
export function printStepTimes(title: string, timings: readonly StepTiming[]): void {
  const width = Math.max(...timings.map((t) => t.name.length));
  console.log(`\n${title}`);
  for (const t of timings) {
    const cpu = t.cpuMsPerStep !== undefined ? `  ${t.cpuMsPerStep.toFixed(2).padStart(9)} CPU ms/step  ${t.cpuRatio!.toFixed(3)}×` : '';
    console.log(`  ${t.name.padEnd(width)}  ${t.msPerStep.toFixed(2).padStart(9)} ms/step  ${t.ratio.toFixed(3)}×${cpu}`);
  }
}
