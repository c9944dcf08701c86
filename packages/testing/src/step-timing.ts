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
  /**
   * The first and third quartiles of the per-round ratios (wall time): half of the rounds fell
   * between them. Read the baseline-again row of a table against them to see how far apart two
   * identical variants land on this machine.
   */
  ratioQuartiles: [number, number];
}

/** How `compareStepTimes` takes turns between the variants. */
export interface StepTimingOptions {
  /** Timed rounds; the medians over them are reported. Default 15. */
  rounds?: number;
  /** Steps of every variant per round. Default 5. */
  stepsPerRound?: number;
  /** Rounds run first and discarded. Default 2. */
  warmupRounds?: number;
  /**
   * `'round'` (default): each variant runs its `stepsPerRound` steps in a row, then the next.
   * `'step'`: the variants take turns step by step, each step timed to the end of its work (its
   * result read back), so every variant's steps of a round are spread over the same stretch of time
   * and drifts of the machine's speed within a round cancel too — at the price of one readback per
   * step instead of one per round.
   */
  interleave?: 'round' | 'step';
}

/** The process's CPU time in milliseconds (user + system, all threads), where Node gives it. */
function cpuMilliseconds(): number | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
}

/** Runs `steps` steps of `variant`, then reads the last result back so queued GPU work is counted; returns [wall ms, CPU ms where measured]. */
async function timeSteps(variant: StepVariant, steps: number): Promise<[number, number | undefined]> {
  const start = performance.now();
  const cpuStart = cpuMilliseconds();
  let last: tf.Tensor | void = undefined;
  for (let i = 0; i < steps; i++) {
    if (last) last.dispose();
    last = await variant.step();
  }
  if (last) {
    await last.data();
    last.dispose();
  } else {
    await tf.ready();
  }
  const cpuEnd = cpuMilliseconds();
  return [performance.now() - start, cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : undefined];
}

/** The `q`-quantile of `values` (linear between the two nearest ranks). */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Times several step variants in one run, interleaved (so drift and background load hit every
 * variant alike), and reports the median ms/step of each and its ratio to the first (paired by
 * round), with the quartiles of that ratio over the rounds.
 *
 * Each round runs `stepsPerRound` steps of every variant — one variant after another, or in turns
 * step by step (`interleave: 'step'`) — and reads results back (asynchronously) so GPU work is
 * counted. The variant that goes first rotates from round to round (and from turn to turn).
 * `warmupRounds` rounds are run first and discarded.
 *
 * @example
 * const [bare, clipped] = await compareStepTimes([
 *   { name: 'bare', step: () => bareOptimizer.minimize(loss, true) },
 *   { name: 'clipped', step: () => clippedOptimizer.minimize(loss, true) },
 * ], { rounds: 15, stepsPerRound: 10, interleave: 'step' });
 * console.log(clipped.ratio, clipped.ratioQuartiles);
 */
export async function compareStepTimes(
  variants: readonly StepVariant[],
  { rounds = 15, stepsPerRound = 5, warmupRounds = 2, interleave = 'round' }: StepTimingOptions = {},
): Promise<StepTiming[]> {
  if (variants.length === 0) throw new Error('compareStepTimes: no variants');
  const samples = variants.map(() => [] as number[]);
  const cpuSamples = variants.map(() => [] as number[]);
  const [turns, stepsPerTurn] = interleave === 'step' ? [stepsPerRound, 1] : [1, stepsPerRound];
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const wall = variants.map(() => 0);
    const cpu = variants.map(() => 0);
    for (let turn = 0; turn < turns; turn++) {
      for (let offset = 0; offset < variants.length; offset++) {
        const index = (round + turn + offset) % variants.length;
        const [elapsed, cpuElapsed] = await timeSteps(variants[index]!, stepsPerTurn);
        wall[index]! += elapsed;
        cpu[index]! += cpuElapsed ?? Number.NaN;
      }
    }
    if (round < warmupRounds) continue;
    for (const index of variants.keys()) {
      samples[index]!.push(wall[index]! / stepsPerRound);
      if (Number.isFinite(cpu[index])) cpuSamples[index]!.push(cpu[index]! / stepsPerRound);
    }
  }
  const median = (values: number[]) => quantile(values, 0.5);
  // Ratios are paired: this variant's time over the baseline's in the same round, so slow drifts of
  // the machine's load cancel within a round; the median over rounds is reported.
  const roundRatios = (values: number[][], i: number) => values[i]!.map((value, round) => value / values[0]![round]!);
  const medians = samples.map(median);
  const cpuMedians = cpuSamples.every((values) => values.length > 0) ? cpuSamples.map(median) : undefined;
  return variants.map((variant, i) => {
    const ratios = roundRatios(samples, i);
    return {
      name: variant.name,
      msPerStep: medians[i]!,
      ratio: median(ratios),
      ratioQuartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)] as [number, number],
      ...(cpuMedians ? { cpuMsPerStep: cpuMedians[i]!, cpuRatio: median(roundRatios(cpuSamples, i)) } : {}),
    };
  });
}

/** Prints timings as an aligned table under a title, e.g. "stabilize overhead [wasm]". */
export function printStepTimes(title: string, timings: readonly StepTiming[]): void {
  const width = Math.max(...timings.map((t) => t.name.length));
  console.log(`\n${title}`);
  for (const t of timings) {
    const cpu = t.cpuMsPerStep !== undefined ? `  ${t.cpuMsPerStep.toFixed(2).padStart(9)} CPU ms/step  ${t.cpuRatio!.toFixed(3)}×` : '';
    const [q1, q3] = t.ratioQuartiles;
    console.log(`  ${t.name.padEnd(width)}  ${t.msPerStep.toFixed(2).padStart(9)} ms/step  ${t.ratio.toFixed(3)}× (middle half ${q1.toFixed(3)}–${q3.toFixed(3)})${cpu}`);
  }
}
