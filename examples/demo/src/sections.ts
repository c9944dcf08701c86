import { resolve } from 'node:path';
import type { BackendName } from '@gs/backends';
import { ATLAS_PLAN, FULL_ATLAS_PLAN, type AtlasCell, type AtlasPlan, type AtlasResult, atlasCells, atlasTheory } from './atlas.js';
import { writeAtlasReport } from './atlas-report.js';
import { uploadDigits } from './classifier-training.js';
import { DEPTH_PLAN, FULL_DEPTH_PLAN, PLAIN_SIGMA_B2, type DepthPlan, type DepthRecord, depthConfigurations, plainCriticalWeightVariance } from './depth-records.js';
import { writeDepthReport } from './depth-report.js';
import type { SplitOptions } from './digit-set.js';
import { loadMnist } from './mnist-node.js';
import { FULL_SEQUENCE_PLAN, RECURRENT_SCHEMES, SEQUENCE_PLAN, type SequencePlan, type SequenceRun } from './sequence-case.js';
import { writeSequenceReport } from './sequence-report.js';
import { type SectionTask, type SectionTaskResult, runSectionTask } from './section-tasks.js';
import { runTasksInWorkers } from './task-pool.js';

/** The report sections beyond the main table, selected with `--only <name>`. */
export const SECTIONS = ['atlas', 'depth', 'sequence'] as const;
/** A report section name. */
export type SectionName = (typeof SECTIONS)[number];

/** Options shared by every section run from the CLI. */
export interface SectionRunOptions {
  backend: BackendName;
  full: boolean;
  jobs: number;
  directory: string;
  log: (line: string) => void;
  /** Overrides of the section's size (CLI --depth, --width, --steps, --batch-size). */
  overrides?: { depth?: number; width?: number; steps?: number; batchSize?: number };
}

/** Digits of the sections: 6000 training / 2000 test (the `mnist` package's smallest class has 863). */
export const SECTION_SPLIT: SplitOptions = { train: 6000, test: 2000 };

/** Runs tasks in worker processes (jobs > 1) or in this process, logging each result. */
export async function runTasks(tasks: readonly SectionTask[], options: SectionRunOptions, describe: (task: SectionTask, result: SectionTaskResult) => string): Promise<SectionTaskResult[]> {
  if (options.jobs > 1) {
    return runTasksInWorkers(tasks, {
      jobs: options.jobs,
      backend: options.backend,
      split: SECTION_SPLIT,
      onResult: (task, result) => options.log(describe(task, result)),
    });
  }
  const data = uploadDigits(loadMnist(SECTION_SPLIT));
  const results: SectionTaskResult[] = [];
  for (const task of tasks) {
    const result = await runSectionTask(task, data);
    options.log(describe(task, result));
    results.push(result);
  }
  data.dispose();
  return results;
}

/** `--only depth`: trains the depth records and writes depth.json / depth.md. */
export async function runDepthSection(options: SectionRunOptions): Promise<DepthRecord[]> {
  const preset = options.full ? FULL_DEPTH_PLAN : DEPTH_PLAN;
  const { depth, width, steps, batchSize } = options.overrides ?? {};
  const plan: DepthPlan = {
    plainDepths: depth ? [depth] : preset.plainDepths,
    residualDepths: depth ? [depth] : preset.residualDepths,
    width: width ?? preset.width,
    batchSize: batchSize ?? preset.batchSize,
    steps: steps ? () => steps : preset.steps,
  };
  const configurations = depthConfigurations(plan);
  options.log(`Depth records: ${configurations.length} runs (${options.full ? '--full' : 'default budget'}), ${options.jobs} process(es).`);
  const results = await runTasks(
    configurations.map((configuration) => ({ kind: 'depth', configuration })),
    options,
    (_task, result) => {
      const record = (result as { record: DepthRecord }).record;
      return `  ${record.id}: test accuracy ${(record.testAccuracy * 100).toFixed(1)} %, loss ${record.finalLoss.toFixed(3)} (${record.seconds.toFixed(0)} s)`;
    },
  );
  const records = results.map((result) => (result as { record: DepthRecord }).record);
  await writeDepthReport(resolve(options.directory), records, {
    budget: `${options.full ? '--full' : 'default'}${options.overrides ? ' with CLI size overrides' : ''}: ${[...new Set([...plan.plainDepths, ...plan.residualDepths].map((d) => `${plan.steps(d)} steps at depth ${d}`))].join(', ')}, batch ${plan.batchSize}`,
    learningRates: 'SGD with momentum 0.9 at 0.005 for plain nets (0.002 at depth 1000), Adam 1e-3 for residual nets (chosen from short trial runs at depth 200)',
    criticalSigmaW2: plainCriticalWeightVariance(),
    sigmaB2: PLAIN_SIGMA_B2,
  });
  return records;
}

/** `--only atlas`: measures the phase diagram and writes atlas.json / atlas.svg / atlas.md. */
export async function runAtlasSection(options: SectionRunOptions): Promise<AtlasResult> {
  const started = performance.now();
  const preset = options.full ? FULL_ATLAS_PLAN : ATLAS_PLAN;
  const { depth, width, steps, batchSize } = options.overrides ?? {};
  const plan: AtlasPlan = {
    ...preset,
    ...(depth ? { depths: [Math.max(2, Math.round(depth / 2)), depth] } : {}),
    ...(width ? { width } : {}),
    ...(steps ? { steps } : {}),
    ...(batchSize ? { batchSize } : {}),
  };
  const cells = atlasCells(plan);
  options.log(`Atlas: ${cells.length} cells (σ_w² ${plan.sigmaW2.join(', ')} × depth ${plan.depths.join(', ')}), ${plan.steps} steps each.`);
  const results = await runTasks(
    cells.map((cell) => ({ kind: 'atlas', cell, plan })),
    options,
    (_task, result) => {
      const cell = (result as { cell: AtlasCell }).cell;
      return `  σ_w² ${cell.sigmaW2}, depth ${cell.depth}: ratio ${cell.gradientRatio.toExponential(1)} (theory ${cell.predictedRatio.toExponential(1)}), accuracy ${(cell.testAccuracy * 100).toFixed(0)} % ${cell.trained ? '✓' : '✗'}`;
    },
  );
  const result: AtlasResult = {
    ...atlasTheory(plan),
    cells: results.map((entry) => (entry as { cell: AtlasCell }).cell),
    plan,
    backend: options.backend,
    seconds: (performance.now() - started) / 1000,
  };
  await writeAtlasReport(resolve(options.directory), result, `${options.full ? '--full' : 'default'}${options.overrides ? ' with CLI size overrides' : ''}`);
  return result;
}

/** `--only sequence`: the recurrent nets on the adding problem; writes sequence.json / sequence.md. */
export async function runSequenceSection(options: SectionRunOptions): Promise<SequenceRun[]> {
  const { steps, batchSize, width } = options.overrides ?? {};
  const preset = options.full ? FULL_SEQUENCE_PLAN : SEQUENCE_PLAN;
  const plan: SequencePlan = { ...preset, ...(steps ? { steps } : {}), ...(batchSize ? { batchSize } : {}), ...(width ? { units: width } : {}) };
  options.log(`Sequence case: ${RECURRENT_SCHEMES.length} recurrent nets, T = ${plan.timesteps}, ${plan.steps} steps each.`);
  const results = await runTasks(
    RECURRENT_SCHEMES.map((scheme) => ({ kind: 'sequence', scheme, plan })),
    options,
    (_task, result) => {
      const run = (result as { run: SequenceRun }).run;
      return `  ${run.title}: test MSE ${run.testMse.toFixed(4)}${run.nonFinite ? ' (NaN/Inf)' : ''} (${run.seconds.toFixed(0)} s)`;
    },
  );
  const runs = results.map((result) => (result as { run: SequenceRun }).run);
  await writeSequenceReport(resolve(options.directory), runs, plan, `${options.full ? '--full' : 'default'}${options.overrides ? ' with CLI size overrides' : ''}`, options.backend);
  return runs;
}
