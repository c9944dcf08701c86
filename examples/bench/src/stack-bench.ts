import * as tf from '@tensorflow/tfjs';
import { compareStepTimes, countKernelLaunches, type MedianInterval } from '@gs/testing/bench';
import type { BenchModelSpec } from './models.js';
import type { OptimizerVariant } from './stack-variants.js';

/** How long to time: `rounds` rounds of `stepsPerRound` steps of every variant, each between two baseline runs. */
export interface BenchTiming {
  /** Timed rounds (the median is reported). Default 7. */
  rounds?: number;
  /** Steps per round, a multiple of 10 so every round holds one reporting step of the every-10 variants. Default 10. */
  stepsPerRound?: number;
  /** Rounds run first and discarded. Default 1. */
  warmupRounds?: number;
}

/** One row of a benchmark table. */
export interface BenchRow {
  name: string;
  /** Median milliseconds per step. */
  msPerStep: number;
  /** `msPerStep` over the bare optimizer's, measured in the same run (median over rounds of the per-round ratio). */
  ratio: number;
  /** A confidence interval for `ratio` (95 % from six rounds on), from the spread of the per-round ratios. */
  ratioInterval: MedianInterval;
  /** Median CPU milliseconds per step of the process (Node only; robust to other processes' load). */
  cpuMsPerStep?: number;
  /** `cpuMsPerStep` over the bare optimizer's. */
  cpuRatio?: number;
  /** Kernels the tfjs engine ran per step (mean over `stepsPerRound` steps). */
  kernels: number;
  /** GPU dispatches per step (WebGPU only). */
  dispatches?: number;
}

/** A table: what was measured, where, and the rows (the first is the baseline). */
export interface BenchTable {
  title: string;
  backend: string;
  rows: BenchRow[];
}

/**
 * Times the variants on one model, interleaved with the baseline between every two of them and
 * each compared with the baseline runs on either side (so drifts of a shared machine's speed
 * cancel), and counts kernel launches per step for each (deterministic, so it shows where time
 * goes even when timings are noisy). The first variant is the baseline of the ratios.
 */
export async function benchVariants(
  spec: BenchModelSpec,
  variants: readonly OptimizerVariant[],
  { rounds = 7, stepsPerRound = 10, warmupRounds = 1 }: BenchTiming = {},
): Promise<BenchTable> {
  const runs = variants.map((variant) => {
    const built = spec.build();
    const optimizer = variant.create(built.model);
    const step = () => optimizer.minimize(built.loss, true, built.variables) ?? undefined;
    return { variant, built, optimizer, step };
  });
  try {
    const timings = await compareStepTimes(
      runs.map(({ variant, step }) => ({ name: variant.name, step })),
      { rounds, stepsPerRound, warmupRounds, bracket: true },
    );
    const rows: BenchRow[] = [];
    for (const [i, { step }] of runs.entries()) {
      let last: tf.Tensor | undefined;
      const launches = await countKernelLaunches(() => {
        for (let s = 0; s < stepsPerRound; s++) {
          last?.dispose();
          last = step();
        }
      });
      await last?.data();
      last?.dispose();
      rows.push({
        ...timings[i]!,
        kernels: launches.kernels / stepsPerRound,
        ...(launches.dispatches !== undefined ? { dispatches: launches.dispatches / stepsPerRound } : {}),
      });
    }
    return { title: spec.title, backend: tf.getBackend(), rows };
  } finally {
    for (const { built, optimizer } of runs) {
      optimizer.dispose();
      built.dispose();
    }
  }
}

/**
 * A Markdown table of `table`: wall ms/step, its ratio to the first row and that ratio's confidence
 * interval, CPU ms/step and its ratio (where measured), kernels (and GPU dispatches) per step.
 */
export function formatTable({ title, backend, rows }: BenchTable): string {
  const gpu = rows.some((row) => row.dispatches !== undefined);
  const cpu = rows.every((row) => row.cpuRatio !== undefined);
  const header = ['variant', 'ms/step', '× bare', 'interval (confidence)', ...(cpu ? ['CPU ms/step', '× bare (CPU)'] : []), 'kernels/step', ...(gpu ? ['GPU dispatches/step'] : [])];
  const lines = rows.map((row) => [
    row.name,
    row.msPerStep.toFixed(1),
    `${row.ratio.toFixed(3)}×`,
    `${row.ratioInterval.low.toFixed(3)}–${row.ratioInterval.high.toFixed(3)} (${Math.round(row.ratioInterval.confidence * 100)} %)`,
    ...(cpu ? [row.cpuMsPerStep!.toFixed(1), `${row.cpuRatio!.toFixed(3)}×`] : []),
    row.kernels.toFixed(0),
    ...(gpu ? [row.dispatches?.toFixed(0) ?? ''] : []),
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [`${title} [${backend}]`, '', format(header), rule, ...lines.map(format)].join('\n');
}
