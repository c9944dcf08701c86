#!/usr/bin/env node
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseBackendRequest, setupBackend } from '@gs/backends';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { type DemoSize, FULL_SIZE, SMALL_SIZE, demoConfigurations } from './configuration.js';
import { runDemo } from './demo.js';
import { loadMnist } from './mnist-node.js';
import { formatNumber, resultsTable, writeReport } from './report-writer.js';
import { chooseLearningRates, sweepRuns } from './learning-rate-sweep.js';
import { readSweep, SWEEP_FILE, writeSweep } from './sweep-file.js';
import { runInWorkers } from './parallel-runs.js';
import { SECTIONS, type SectionName, runAtlasSection, runDepthSection, runSequenceSection } from './sections.js';
import { WARMUP_CASE, runWarmupCase } from './warmup-case.js';
import { warmupTable, writeWarmupSection } from './warmup-report.js';

function positiveInteger(option: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${option} must be a positive integer, got '${value}'.`);
    }
    return parsed;
  };
}

const program = new Command()
  .name('gs-demo')
  .description(
    'Reproduces vanishing and exploding gradients on MNIST digits and fixes each with the gradient-stability plugins; writes a Markdown/SVG/JSON report.',
  )
  .option('--backend <name>', 'auto | cpu | wasm | webgpu (auto: webgpu when an adapter exists, else wasm)', (value) => {
    try {
      return parseBackendRequest(value, '--backend');
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }, 'auto')
  .option('--full', `bigger runs (depth ${FULL_SIZE.depth}, width ${FULL_SIZE.width}, ${FULL_SIZE.steps} steps)`, false)
  .option('--depth <n>', 'hidden layers (overrides the size preset)', positiveInteger('--depth'))
  .option('--width <n>', 'units per hidden layer', positiveInteger('--width'))
  .option('--steps <n>', 'training steps per configuration', positiveInteger('--steps'))
  .option('--batch-size <n>', 'batch size', positiveInteger('--batch-size'))
  .option('--only <ids>', `comma-separated configuration ids (${demoConfigurations(SMALL_SIZE).map((c) => c.id).join(', ')}) or report sections (${SECTIONS.join(', ')})`)
  .option('--depth-runs <ids>', 'depth section: run only these records of the plan (e.g. residual-reZero-1000) and merge them into the existing depth.json')
  .option('--sequence-runs <schemes>', 'sequence section: run only these schemes (e.g. lstm-chrono) and merge them into the existing sequence.json')
  .option('--jobs <n>', 'train configurations in this many processes (default: 2 on machines with 2+ cores)', positiveInteger('--jobs'))
  .option('--out <dir>', 'report directory', 'report')
  .option('--no-progress', 'no progress bar (plain lines instead)')
  .option('--sweep', 'first sweep every configuration\'s learning rate (a few candidates × --sweep-steps) and rewrite examples/demo/sweeps/learning-rates.json', false)
  .option('--sweep-steps <n>', 'training steps per sweep candidate', positiveInteger('--sweep-steps'), 40)
  .option('--no-sweep-file', 'ignore the committed sweep file (train with each configuration\'s default learning rate)')
  .option('--no-warmup-case', 'skip the warmup case (a post-norm network Adam breaks without @gs/optim warmup)')
  .option('--warmup-case-steps <n>', `training steps of each warmup-case run (default ${WARMUP_CASE.steps})`, positiveInteger('--warmup-case-steps'));

program.parse();
const options = program.opts<{
  backend: ReturnType<typeof parseBackendRequest>;
  full: boolean;
  depth?: number;
  width?: number;
  steps?: number;
  batchSize?: number;
  only?: string;
  depthRuns?: string;
  sequenceRuns?: string;
  jobs?: number;
  out: string;
  progress: boolean;
  sweep: boolean;
  sweepSteps: number;
  sweepFile: boolean;
  warmupCase: boolean;
  warmupCaseSteps?: number;
}>();

const preset = options.full ? FULL_SIZE : SMALL_SIZE;
const size: DemoSize = {
  ...preset,
  ...(options.depth ? { depth: options.depth } : {}),
  ...(options.width ? { width: options.width } : {}),
  ...(options.steps ? { steps: options.steps } : {}),
  ...(options.batchSize ? { batchSize: options.batchSize } : {}),
};
const known = demoConfigurations(size).map((configuration) => configuration.id);
const list = (ids: string) => ids.split(',').map((id) => id.trim()).filter(Boolean);
const requested = options.only === undefined ? undefined : list(options.only);
const sections = (requested ?? []).filter((id): id is SectionName => (SECTIONS as readonly string[]).includes(id));
const only = requested?.filter((id) => !sections.includes(id as SectionName));
for (const id of only ?? []) {
  if (!known.includes(id)) program.error(`--only: unknown configuration or section '${id}'; known: ${[...known, ...SECTIONS].join(', ')}`);
}

const backend = await setupBackend(options.backend);
console.log(`Backend: ${backend.backend} — ${backend.reason}.`);
if (backend.backend !== 'webgpu' && options.backend === 'auto') {
  console.log('(Install a Vulkan driver such as Mesa lavapipe ≥ 25 to run on WebGPU without a GPU; see the README.)');
}
const reportDirectory = resolve(process.env.INIT_CWD ?? process.cwd(), options.out);
const sectionOptions = {
  backend: backend.backend,
  full: options.full,
  jobs: options.jobs ?? Math.min(2, availableParallelism()),
  directory: reportDirectory,
  log: (line: string) => console.log(line),
  overrides: { depth: options.depth, width: options.width, steps: options.steps, batchSize: options.batchSize },
  ...(options.depthRuns ? { depthRuns: list(options.depthRuns) } : {}),
  ...(options.sequenceRuns ? { sequenceRuns: list(options.sequenceRuns) } : {}),
};
if (sections.includes('atlas')) {
  const atlas = await runAtlasSection(sectionOptions);
  console.log(`Atlas written to ${reportDirectory}/atlas.md, atlas.svg and atlas.json (critical σ_w² ${atlas.critical.sigmaW2.toFixed(4)}).`);
}
if (sections.includes('depth')) {
  await runDepthSection(sectionOptions);
  console.log(`Depth records written to ${reportDirectory}/depth.md and depth.json.`);
}
if (sections.includes('sequence')) {
  await runSequenceSection(sectionOptions);
  console.log(`Sequence case written to ${reportDirectory}/sequence.md and sequence.json.`);
}
if (sections.length > 0 && only?.length === 0) process.exit(0);
console.log(
  `Size: depth ${size.depth}, width ${size.width}, ${size.steps} steps × batch ${size.batchSize}, ` +
    `${size.trainImages} training / ${size.testImages} test digits${options.full ? ' (--full)' : ''}.`,
);
const data = loadMnist({ train: size.trainImages, test: size.testImages });
const total = (only?.length ?? known.length) * size.steps;
// A live bar on a terminal; plain lines when the output is piped or --no-progress is given.
const bar = options.progress && process.stderr.isTTY
  ? new cliProgress.SingleBar(
      { format: ' {bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {run} loss {loss}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
  : undefined;
bar?.start(total, 0, { run: 'seed figures', loss: '' });
let done = 0;
const jobs = options.jobs ?? Math.min(2, availableParallelism());
console.log(`Training in ${jobs} process${jobs === 1 ? '' : 'es'} (--jobs).`);
const directory = resolve(process.env.INIT_CWD ?? process.cwd(), options.out);
if (options.sweep) {
  const swept = demoConfigurations(size).filter((configuration) => !only || only.includes(configuration.id));
  const runs = sweepRuns(swept);
  console.log(`Learning-rate sweep: ${runs.length} runs of ${options.sweepSteps} steps.`);
  const results = await runInWorkers(runs, {
    jobs,
    backend: backend.backend,
    split: { train: size.trainImages, test: size.testImages },
    steps: options.sweepSteps,
    batchSize: size.batchSize,
    every: options.sweepSteps,
    onRunEnd: (result) => console.log(`  ${result.configuration.id}: final loss ${formatNumber(result.finalLoss)}`),
  });
  const previous = readSweep();
  await writeSweep({
    generatedAt: new Date().toISOString(),
    backend: backend.backend,
    steps: options.sweepSteps,
    batchSize: size.batchSize,
    depth: size.depth,
    width: size.width,
    entries: { ...(previous?.entries ?? {}), ...chooseLearningRates(swept, results) },
  });
  console.log(`Sweep written to ${SWEEP_FILE}.`);
}
const sweep = options.sweepFile ? readSweep() : undefined;
console.log(sweep ? `Learning rates from ${SWEEP_FILE} (${sweep.steps}-step sweep on ${sweep.backend}).` : 'Learning rates: each configuration\'s default (no sweep file).');
const demo = await runDemo({
  sweep,
  backend,
  reportDirectory: directory,
  size,
  data,
  only,
  jobs,
  onRunStart: (configuration, index, count) => {
    bar?.update(done, { run: `[${index + 1}/${count}] ${configuration.id}`, loss: '' });
  },
  onStep: (_configuration, record) => {
    done += 1;
    bar?.update(done, { loss: formatNumber(record.loss) });
  },
  onRunEnd: (result) => {
    if (!bar) {
      console.log(
        `${result.configuration.scenario}: ${result.configuration.title}\n` +
        `    accuracy ${(result.testAccuracy * 100).toFixed(1)} %, final loss ${formatNumber(result.finalLoss)}, ` +
          `first/last-layer ‖g‖ ${formatNumber(result.firstLayerGradientNorm)} / ${formatNumber(result.lastLayerGradientNorm)} (${result.seconds.toFixed(1)} s)`,
      );
    }
  },
});
bar?.stop();

await writeReport(directory, demo);
console.log(`\n${resultsTable(demo.runs)}\n`);
const normal = demo.matrixProducts['N(0, 1) entries']!;
const orthogonalNorms = demo.matrixProducts['orthogonal']!;
console.log(
  `Seed figure: product of 101 random 4×4 matrices — N(0, 1): ${formatNumber(normal[normal.length - 1]!)}, ` +
    `orthogonal: ${orthogonalNorms[orthogonalNorms.length - 1]!.toFixed(6)}.`,
);
if (options.warmupCase) {
  const warmupSize = { ...WARMUP_CASE, ...(options.warmupCaseSteps ? { steps: options.warmupCaseSteps } : {}) };
  console.log(
    `\nWarmup case: post-norm residual MLP, ${warmupSize.depth} blocks × ${warmupSize.width}, Adam ${warmupSize.learningRate}, ` +
      `${warmupSize.steps} steps, without and with warmup({ steps: ${warmupSize.warmupSteps} })…`,
  );
  const warmupResult = await runWarmupCase({ size: warmupSize, train: data.train, test: data.test });
  await writeWarmupSection(directory, warmupResult);
  console.log(`\n${warmupTable(warmupResult)}`);
}
console.log(`Report written to ${directory}/report.md (charts in ${directory}/charts, numbers in results.json) in ${demo.seconds.toFixed(0)} s.`);
console.log(`TensorBoard logs: tensorboard --logdir ${directory}/${demo.tensorBoard}`);
