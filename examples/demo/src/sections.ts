import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BackendName } from '@gs/backends';
import { ATLAS_PLAN, FULL_ATLAS_PLAN, type AtlasCell, type AtlasPlan, type AtlasResult, atlasCells, atlasTheory } from './atlas.js';
import { writeAtlasReport } from './atlas-report.js';
import { uploadDigits } from './classifier-training.js';
import { DEPTH_PLAN, FULL_DEPTH_PLAN, PLAIN_SIGMA_B2, type DepthPlan, type DepthRecord, depthConfigurations, mergeDepthRecords, plainCriticalWeightVariance, DEPTH_LEARNING_RATES } from './depth-records.js';
import { writeDepthReport } from './depth-report.js';
import type { SplitOptions } from './digit-set.js';
import { loadMnist } from './mnist-node.js';
import { FULL_SEQUENCE_PLAN, mergeSequenceRuns, RECURRENT_SCHEMES, SEQUENCE_PLAN, type SequencePlan, type SequenceRun } from './sequence-case.js';
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
  /** Depth section: run only these record ids of the plan (CLI --depth-runs); the others already in depth.json are kept. */
  depthRuns?: readonly string[];
  /** Sequence section: run only these schemes (CLI --sequence-runs); the others already in sequence.json are kept. */
  sequenceRuns?: readonly string[];
}

/** Digits of the sections: 6000 training / 2000 test (the `mnist` package's smallest class has 863). */
export const SECTION_SPLIT: SplitOptions = { train: 6000, test: 2000 };

const PROGRESS_EVERY = 100;

function taskName(task: SectionTask): string {
  switch (task.kind) {
    case 'depth':
      return task.configuration.id;
    case 'atlas':
      return `σ_w² ${task.cell.sigmaW2}, depth ${task.cell.depth}`;
    case 'sequence':
      return task.scheme;
  }
}

/** Runs tasks in worker processes (jobs > 1) or in this process, logging each result. */
export async function runTasks(tasks: readonly SectionTask[], options: SectionRunOptions, describe: (task: SectionTask, result: SectionTaskResult) => string): Promise<SectionTaskResult[]> {
  // Long runs log their loss every PROGRESS_EVERY steps.
  const progress = (task: SectionTask, step: number, loss: number) => {
    if (step > 0 && step % PROGRESS_EVERY === 0) options.log(`    ${taskName(task)}: step ${step}, loss ${loss.toFixed(3)}`);
  };
  if (options.jobs > 1) {
    return runTasksInWorkers(tasks, {
      jobs: options.jobs,
      backend: options.backend,
      split: SECTION_SPLIT,
      onProgress: progress,
      onResult: (task, result) => options.log(describe(task, result)),
    });
  }
  const data = uploadDigits(loadMnist(SECTION_SPLIT));
  const results: SectionTaskResult[] = [];
  for (const task of tasks) {
    const result = await runSectionTask(task, data, (step, loss) => progress(task, step, loss));
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
    width: width ? () => width : preset.width,
    batchSize: batchSize ?? preset.batchSize,
    steps: steps ? () => steps : preset.steps,
  };
  const planned = depthConfigurations(plan);
  const unknown = (options.depthRuns ?? []).filter((id) => !planned.some((configuration) => configuration.id === id));
  if (unknown.length > 0) {
    throw new Error(`--depth-runs: unknown run(s) ${unknown.join(', ')}; this plan has ${planned.map((configuration) => configuration.id).join(', ')}`);
  }
  const configurations = options.depthRuns ? planned.filter((configuration) => options.depthRuns!.includes(configuration.id)) : planned;
  options.log(`Depth records: ${configurations.length} runs (${options.full ? '--full' : 'default budget'}), ${options.jobs} process(es).`);
  const results = await runTasks(
    configurations.map((configuration) => ({ kind: 'depth', configuration })),
    options,
    (_task, result) => {
      const record = (result as { record: DepthRecord }).record;
      return `  ${record.id}: test accuracy ${(record.testAccuracy * 100).toFixed(1)} %, loss ${record.finalLoss.toFixed(3)} (${record.seconds.toFixed(0)} s)`;
    },
  );
  const fresh = results.map((result) => (result as { record: DepthRecord }).record);
  const records = options.depthRuns ? mergeDepthRecords((await readJson<DepthRecord[]>(options.directory, 'depth.json')) ?? [], fresh) : fresh;
  await writeDepthReport(resolve(options.directory), records, {
    budget: `Each row states its own budget (steps × batch of ${plan.batchSize} digits, 6000 training / 2000 test); \`--only depth\` runs ${describePlan(DEPTH_PLAN)}, \`--full\` runs ${describePlan(FULL_DEPTH_PLAN)}; \`--depth-runs <ids>\` runs some of them and merges them into depth.json.`,
    learningRates: DEPTH_LEARNING_RATES,
    criticalSigmaW2: plainCriticalWeightVariance(),
    sigmaB2: PLAIN_SIGMA_B2,
  });
  return records;
}

const overridden = (options: SectionRunOptions) => Object.values(options.overrides ?? {}).some((value) => value !== undefined);

function describePlan(plan: DepthPlan): string {
  const plain = plan.plainDepths.map((depth) => `plain ${depth} (width ${plan.width(depth, false)}, ${plan.steps(depth, false)} steps)`);
  const residual = plan.residualDepths.map((depth) => `residual ${depth} (width ${plan.width(depth, true)}, ${plan.steps(depth, true)} steps)`);
  return [...plain, ...residual].join(', ');
}

/** The parsed `file` in `directory`, or undefined if there is no such file. */
async function readJson<T>(directory: string, file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(resolve(directory), file), 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
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
  await writeAtlasReport(resolve(options.directory), result, `${options.full ? '--full' : 'default'}${overridden(options) ? ' with CLI size overrides' : ''}`);
  return result;
}

/** `--only sequence`: the recurrent nets on the adding problem; writes sequence.json / sequence.md. */
export async function runSequenceSection(options: SectionRunOptions): Promise<SequenceRun[]> {
  const { steps, batchSize, width } = options.overrides ?? {};
  const preset = options.full ? FULL_SEQUENCE_PLAN : SEQUENCE_PLAN;
  const plan: SequencePlan = { ...preset, ...(steps ? { steps } : {}), ...(batchSize ? { batchSize } : {}), ...(width ? { units: width } : {}) };
  const unknown = (options.sequenceRuns ?? []).filter((scheme) => !(RECURRENT_SCHEMES as readonly string[]).includes(scheme));
  if (unknown.length > 0) throw new Error(`--sequence-runs: unknown scheme(s) ${unknown.join(', ')}; the schemes are ${RECURRENT_SCHEMES.join(', ')}`);
  const schemes = options.sequenceRuns ? RECURRENT_SCHEMES.filter((scheme) => options.sequenceRuns!.includes(scheme)) : RECURRENT_SCHEMES;
  options.log(`Sequence case: ${schemes.length} recurrent nets, T = ${plan.timesteps}, ${plan.steps} steps each.`);
  const results = await runTasks(
    schemes.map((scheme) => ({ kind: 'sequence', scheme, plan })),
    options,
    (_task, result) => {
      const run = (result as { run: SequenceRun }).run;
      return `  ${run.title}: test MSE ${run.testMse.toFixed(4)}${run.nonFinite ? ' (NaN/Inf)' : ''} (${run.seconds.toFixed(0)} s)`;
    },
  );
  const fresh = results.map((result) => (result as { run: SequenceRun }).run);
  const runs = options.sequenceRuns ? mergeSequenceRuns((await readJson<{ runs: SequenceRun[] }>(options.directory, 'sequence.json'))?.runs ?? [], fresh) : fresh;
  await writeSequenceReport(resolve(options.directory), runs, plan, `${options.full ? '--full' : 'default'}${overridden(options) ? ' with CLI size overrides' : ''}`, options.backend);
  return runs;
}
