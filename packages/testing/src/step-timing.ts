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
   * Where the median `ratio` lies: a distribution-free confidence interval from the order
   * statistics of the per-round ratios (wall time), 95 % where the rounds allow it (six or more),
   * else the range of all rounds with the confidence that has. Read a ratio against its interval,
   * and the interval of the baseline-again row of a table as this machine's noise.
   */
  ratioInterval: MedianInterval;
}

/** A confidence interval for a median: `[low, high]` holds the true median with probability `confidence`. */
export interface MedianInterval {
  low: number;
  high: number;
  confidence: number;
}

/** How long `compareStepTimes` times, and in which order. */
export interface StepTimingOptions {
  /** Timed rounds; the medians over them are reported. Default 15. */
  rounds?: number;
  /** Steps of a variant in a row (one block), read back at the end. Default 5. */
  stepsPerRound?: number;
  /** Rounds run first and discarded. Default 2. */
  warmupRounds?: number;
  /**
   * Run the baseline (the first variant) again between every two other variants, and compare each
   * variant with the mean of the two baseline blocks around it rather than with the round's
   * baseline: a change of the machine's speed within a round then cancels unless it falls inside
   * those three blocks. Costs nearly twice the time. Default false.
   */
  bracket?: boolean;
}

/** The process's CPU time in milliseconds (user + system, all threads), where Node gives it. */
function cpuMilliseconds(): number | undefined {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : undefined;
}

/**
 * Runs `steps` steps of `variant`, then reads the last result back so queued GPU work is counted;
 * returns the wall and CPU milliseconds (CPU where measured, else NaN).
 */
async function timeSteps(variant: StepVariant, steps: number): Promise<{ wall: number; cpu: number }> {
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
  return { wall: performance.now() - start, cpu: cpuStart !== undefined && cpuEnd !== undefined ? cpuEnd - cpuStart : Number.NaN };
}

/** The median of `values` (the mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A confidence interval for the median of `values`, from their order statistics:
 * `[x₍ₖ₎, x₍ₙ₊₁₋ₖ₎]` holds the median with probability `1 − 2·P(B ≤ k − 1)`, B ~ Binomial(n, ½),
 * for any continuous distribution; k is the largest giving at least `confidence` (k = 1, the whole
 * range, when none does). Source: the binomial (sign-test) confidence interval for a quantile,
 * e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed. (1999); for n = 12 it gives the
 * 3rd and 10th values at 96.1 %, as the usual tables do.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  let k = 1;
  let tail = 0.5 ** n; // P(B ≤ k − 1)
  let next = tail * n; // P(B = k)
  while (k + 1 <= n - k && 1 - 2 * (tail + next) >= confidence) {
    tail += next;
    k += 1;
    next = (next * (n - k + 1)) / k;
  }
  return { low: sorted[k - 1]!, high: sorted[n - k]!, confidence: 1 - 2 * tail };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The order of one round's blocks (variant indices): every variant once, the first to go rotating
 * from round to round; with `bracket`, the baseline (0) before, between and after the others.
 */
function roundOrder(count: number, round: number, bracket: boolean): number[] {
  if (!bracket) return Array.from({ length: count }, (_, offset) => (round + offset) % count);
  const others = Array.from({ length: count - 1 }, (_, offset) => 1 + ((round + offset) % (count - 1)));
  return [0, ...others.flatMap((index) => [index, 0])];
}

/**
 * Times several step variants in one run, interleaved (so drift and background load hit every
 * variant alike), and reports the median ms/step of each and its ratio to the first (paired by
 * round), with a confidence interval for that median.
 *
 * Each round runs a block of `stepsPerRound` steps of every variant, one after another, and reads
 * each block's last result back (asynchronously) so GPU work is counted. The variant that goes
 * first rotates from round to round. With `bracket`, the baseline also runs between the others and
 * each variant is compared with the baseline blocks on either side. `warmupRounds` rounds are run
 * first and discarded.
 *
 * @example
 * const [bare, clipped] = await compareStepTimes([
 *   { name: 'bare', step: () => bareOptimizer.minimize(loss, true) },
 *   { name: 'clipped', step: () => clippedOptimizer.minimize(loss, true) },
 * ], { rounds: 15, stepsPerRound: 10, bracket: true });
 * console.log(clipped.ratio, clipped.ratioInterval); // e.g. 1.012 { low: 1.004, high: 1.021, confidence: 0.961 }
 */
export async function compareStepTimes(
  variants: readonly StepVariant[],
  { rounds = 15, stepsPerRound = 5, warmupRounds = 2, bracket = false }: StepTimingOptions = {},
): Promise<StepTiming[]> {
  if (variants.length === 0) throw new Error('compareStepTimes: no variants');
  const perVariant = () => variants.map(() => [] as number[]);
  const [wallSamples, cpuSamples, wallRatios, cpuRatios] = [perVariant(), perVariant(), perVariant(), perVariant()];
  for (let round = 0; round < warmupRounds + rounds; round++) {
    const order = roundOrder(variants.length, round, bracket);
    const blocks: { wall: number; cpu: number }[] = [];
    for (const index of order) blocks.push(await timeSteps(variants[index]!, stepsPerRound));
    if (round < warmupRounds) continue;
    const blocksOf = (index: number) => blocks.filter((_, position) => order[position] === index);
    for (const index of variants.keys()) {
      const own = blocksOf(index);
      // The baseline blocks a variant is compared with: the two on either side, or all of the round's.
      const position = order.indexOf(index);
      const reference = bracket && index !== 0 ? [blocks[position - 1]!, blocks[position + 1]!] : blocksOf(0);
      for (const [samples, ratios, field] of [[wallSamples, wallRatios, 'wall'], [cpuSamples, cpuRatios, 'cpu']] as const) {
        const time = mean(own.map((block) => block[field]));
        samples[index]!.push(time / stepsPerRound);
        ratios[index]!.push(time / mean(reference.map((block) => block[field])));
      }
    }
  }
  const cpuMeasured = cpuSamples.flat().every(Number.isFinite);
  return variants.map((variant, i) => ({
    name: variant.name,
    msPerStep: median(wallSamples[i]!),
    ratio: median(wallRatios[i]!),
    ratioInterval: medianInterval(wallRatios[i]!),
    ...(cpuMeasured ? { cpuMsPerStep: median(cpuSamples[i]!), cpuRatio: median(cpuRatios[i]!) } : {}),
  }));
}

/** Prints timings as an aligned table under a title, e.g. "stabilize overhead [wasm]". */
export function printStepTimes(title: string, timings: readonly StepTiming[]): void {
  const width = Math.max(...timings.map((t) => t.name.length));
  console.log(`\n${title}`);
  for (const t of timings) {
    const cpu = t.cpuMsPerStep !== undefined ? `  ${t.cpuMsPerStep.toFixed(2).padStart(9)} CPU ms/step  ${t.cpuRatio!.toFixed(3)}×` : '';
    const { low, high, confidence } = t.ratioInterval;
    const interval = `(${Math.round(confidence * 100)} % ${low.toFixed(3)}–${high.toFixed(3)})`;
    console.log(`  ${t.name.padEnd(width)}  ${t.msPerStep.toFixed(2).padStart(9)} ms/step  ${t.ratio.toFixed(3)}× ${interval}${cpu}`);
  }
}
