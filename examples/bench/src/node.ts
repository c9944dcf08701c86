// `npm run bench` (Node part): the cost of the full plugin stack and of each plugin alone next to
// the bare Adam step, on wasm and WebGPU, with kernel launches per step; then an LSTM seq2seq and
// a conv net. Prints Markdown tables and writes them (and JSON) to bench-results/ at the root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend, type BackendName } from '@gs/backends';
import { additionRnn, reluMlp, smallConvNet, type BenchModelSpec } from './models.js';
import { benchVariants, formatTable, type BenchTable } from './stack-bench.js';
import { modelTable, stackTable, type OptimizerVariant } from './stack-variants.js';
import { tensorBoardVariant } from './tensorboard-variants.js';

const MODELS = ['mlp', 'lstm', 'conv'] as const;
type ModelName = (typeof MODELS)[number];

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return parsed;
}

function modelList(value: string): ModelName[] {
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(MODELS as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected some of ${MODELS.join(', ')}, got '${name}'`);
  }
  return names as ModelName[];
}

const options = new Command('stack-bench')
  .description('Step-time cost of the plugin stack next to the bare optimizer (GS_BACKENDS narrows the backends).')
  .option('--rounds <n>', 'timed rounds per variant (median reported)', positiveInteger, 7)
  .option('--models <list>', `models to run, from ${MODELS.join(',')}`, modelList, [...MODELS])
  .option('--variants <list>', 'only the rows whose name contains one of these comma-separated words (the bare row always runs)', (value: string) => value.split(',').map((word) => word.trim()))
  .parse()
  .opts<{ rounds: number; models: ModelName[]; variants?: string[] }>();

const chosen = (variants: readonly OptimizerVariant[]) =>
  variants.filter((variant, i) => i === 0 || !options.variants || options.variants.some((word) => variant.name.includes(word)));

/** What runs where: the MLP table (with the TensorBoard sink's row) on wasm and WebGPU; the two real models on WebGPU. */
const tensorBoard = tensorBoardVariant();
const plan: { model: ModelName; spec: BenchModelSpec; variants: readonly OptimizerVariant[]; backends: BackendName[] }[] = [
  { model: 'mlp', spec: reluMlp(), variants: [...stackTable, tensorBoard.variant], backends: ['wasm', 'webgpu'] },
  { model: 'lstm', spec: additionRnn(), variants: modelTable, backends: ['webgpu'] },
  { model: 'conv', spec: smallConvNet(), variants: modelTable, backends: ['webgpu'] },
];

const available = await availableBackends();
const conditions = `${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), load average at start ${loadavg().map((value) => value.toFixed(1)).join(' ')}, median of ${options.rounds} rounds × 10 steps per variant, each between two runs of the bare step`;
console.log(`Stack benchmark — ${conditions}`);
const tables: BenchTable[] = [];
for (const backend of ['wasm', 'webgpu'] as const) {
  if (!available.includes(backend)) {
    console.log(`\n(${backend} skipped: not available or not in GS_BACKENDS)`);
    continue;
  }
  const choice = await setupBackend(backend);
  if (choice.adapter) console.log(`\n${backend}: ${choice.adapter}`);
  for (const { model, spec, variants, backends } of plan) {
    if (!options.models.includes(model) || !backends.includes(backend)) continue;
    const table = await benchVariants(spec, chosen(variants), { rounds: options.rounds });
    tables.push(table);
    console.log(`\n${formatTable(table)}\n(load average now ${loadavg()[0]!.toFixed(1)}; ${tf.memory().numTensors} tensors alive)`);
  }
}

tensorBoard.cleanUp();
const outDir = join(import.meta.dirname, '..', '..', '..', 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'stack.md'), `Stack benchmark — ${conditions}\n\n${tables.map(formatTable).join('\n\n')}\n`);
writeFileSync(join(outDir, 'stack.json'), `${JSON.stringify({ conditions, tables }, null, 2)}\n`);
console.log(`\nwritten: ${join(outDir, 'stack.md')}, stack.json`);
process.exit(0);
