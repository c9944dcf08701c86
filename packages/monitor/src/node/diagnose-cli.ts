import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { invalidOption, requireString } from '@gs/core';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { requireArray, requireObject } from '../argument-checks.js';
import { diagnose, type DiagnoseData, type DiagnoseLoss, type DiagnoseResult } from '../diagnose.js';

/** Packages whose layers and initializers a saved model may use; loaded (when installed) so their classes are registered. */
const LAYER_PACKAGES = ['@gs/initializers', '@gs/normalization', '@gs/residual'];
const OPTIMIZERS: Record<string, (learningRate: number) => tf.Optimizer> = {
  sgd: (rate) => tf.train.sgd(rate),
  momentum: (rate) => tf.train.momentum(rate, 0.9),
  adam: (rate) => tf.train.adam(rate),
  rmsprop: (rate) => tf.train.rmsprop(rate),
  adagrad: (rate) => tf.train.adagrad(rate),
};
const LOSSES = ['meanSquaredError', 'meanAbsoluteError', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy'];

interface ModelFile {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  trainingConfig?: tf.io.TrainingConfig;
}

/**
 * Loads a model saved by tfjs (`model.save('file://dir')` or `tf.io.withSaveHandler`): `model.json`
 * and the weight files its manifest names, from the same folder. Layers of this project's packages
 * load when those packages are installed.
 *
 * @example
 * const model = await loadModelFile('out/model.json');
 */
export async function loadModelFile(path: string): Promise<tf.LayersModel> {
  requireString('loadModelFile', 'path', path);
  for (const name of LAYER_PACKAGES) await import(/* @vite-ignore */ name).catch(() => undefined);
  const json = JSON.parse(await readFile(path, 'utf8')) as ModelFile;
  if (!json.modelTopology) throw new Error(`${path} has no modelTopology: is it a tfjs LayersModel model.json?`);
  const manifest = json.weightsManifest ?? [];
  const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map((file) => readFile(join(dirname(path), file))));
  const bytes = new Uint8Array(buffers.reduce((total, buffer) => total + buffer.byteLength, 0));
  let offset = 0;
  for (const buffer of buffers) {
    bytes.set(buffer, offset);
    offset += buffer.byteLength;
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: manifest.flatMap((group) => group.weights),
      weightData: bytes.buffer,
      ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    }),
  );
}

/**
 * Reads training data from JSON: `{ "xs": [...], "ys": [...] }` (nested arrays, batch first),
 * optionally with `"validation": { "xs": [...], "ys": [...] }`.
 */
export async function loadDataFile(path: string): Promise<{ data: DiagnoseData; validation?: DiagnoseData }> {
  requireString('loadDataFile', 'path', path);
  const json = JSON.parse(await readFile(path, 'utf8')) as { xs?: unknown; ys?: unknown; validation?: { xs?: unknown; ys?: unknown } };
  const tensors = (part: { xs?: unknown; ys?: unknown }, where: string): DiagnoseData => {
    if (!Array.isArray(part.xs) || !Array.isArray(part.ys)) throw new Error(`${path}: ${where} needs "xs" and "ys" arrays (batch first)`);
    return { xs: tf.tensor(part.xs as number[]), ys: tf.tensor(part.ys as number[]) };
  };
  return { data: tensors(json, 'the top level'), ...(json.validation ? { validation: tensors(json.validation, '"validation"') } : {}) };
}

function positiveInteger(option: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`${option} must be a positive integer, got '${value}'.`);
    return parsed;
  };
}

function positiveNumber(option: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`${option} must be a positive number, got '${value}'.`);
    return parsed;
  };
}

function oneOf(option: string, allowed: readonly string[]) {
  return (value: string): string => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`${option} must be one of ${allowed.join(', ')}, got '${value}'.`);
    return value;
  };
}

/** Where the CLI writes: stdout lines and stderr lines (the process's by default). */
export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

interface DiagnoseCommandOptions {
  steps?: number;
  batchSize?: number;
  remedies?: number;
  loss?: string;
  optimizer?: string;
  learningRate?: number;
  backend: string;
  json?: string;
}

/** The JSON written by `--json`: the result without the monitor's full history. */
function resultJson(result: DiagnoseResult): object {
  const { summary, ...rest } = result;
  return { ...rest, summary: { diagnosis: summary.diagnosis, layer: summary.layer, source: summary.source, evidence: summary.evidence, text: summary.text } };
}

/**
 * The `gs-monitor` command line (`npx @gs/monitor diagnose model.json data.json`): loads the model
 * and data, runs `diagnose()` and prints the verdict and the ranked table of remedies tried; returns
 * the exit code (0, or 1 on an error).
 *
 * @example
 * process.exitCode = await diagnoseCli(process.argv);
 */
export async function diagnoseCli(argv: readonly string[], output: CliOutput = { log: console.log, error: console.error }): Promise<number> {
  requireArray('diagnoseCli', 'argv', argv, 'the process arguments, e.g. process.argv');
  argv.forEach((argument, index) => {
    if (typeof argument !== 'string') invalidOption('diagnoseCli', `argv[${index}]`, 'a string', argument);
  });
  requireObject('diagnoseCli', 'output', output, 'an object { log(line), error(line) }', ['log', 'error']);
  let exitCode = 0;
  const program = new Command()
    .name('gs-monitor')
    .description('Diagnoses why a TensorFlow.js model trains badly and tries the remedies (@gs/monitor).')
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.log(text.trimEnd()), writeErr: (text) => output.error(text.trimEnd()) });
  program
    .command('diagnose')
    .description('train the model briefly under the monitor, then try the top remedies on fresh copies and rank them')
    .argument('<model>', 'model.json saved by tfjs (weights files next to it)')
    .argument('<data>', 'JSON file { "xs": [...], "ys": [...], "validation"?: { "xs", "ys" } }')
    .option('--steps <n>', 'training steps per trial (default 30)', positiveInteger('--steps'))
    .option('--batch-size <n>', 'rows per step (default 32)', positiveInteger('--batch-size'))
    .option('--remedies <n>', 'how many remedies to try (default 3)', positiveInteger('--remedies'))
    .option('--loss <name>', `${LOSSES.join(' | ')} (default: the saved training config, else by the output layer)`, oneOf('--loss', LOSSES))
    .option('--optimizer <name>', `${Object.keys(OPTIMIZERS).join(' | ')} (default: the saved training config, else adam)`, oneOf('--optimizer', Object.keys(OPTIMIZERS)))
    .option('--learning-rate <rate>', 'learning rate of --optimizer (default 0.001)', positiveNumber('--learning-rate'))
    .option('--backend <name>', 'cpu | wasm (wasm needs @tensorflow/tfjs-backend-wasm)', oneOf('--backend', ['cpu', 'wasm']), 'cpu')
    .option('--json <file>', 'also write the result as JSON')
    .action(async (modelPath: string, dataPath: string, options: DiagnoseCommandOptions) => {
      if (options.backend === 'wasm') await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-wasm');
      await tf.setBackend(options.backend);
      const model = await loadModelFile(modelPath);
      const { data, validation } = await loadDataFile(dataPath);
      const rate = options.learningRate ?? 1e-3;
      const result = await diagnose(model, data, {
        ...(options.steps ? { steps: options.steps } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.remedies ? { remedies: options.remedies } : {}),
        ...(options.loss ? { loss: options.loss as DiagnoseLoss } : {}),
        ...(options.optimizer ? { optimizer: () => OPTIMIZERS[options.optimizer!]!(rate) } : {}),
        ...(validation ? { validation } : {}),
        onProgress: (line) => output.error(line),
      });
      output.log(result.text);
      if (options.json) await writeFile(options.json, `${JSON.stringify(resultJson(result), null, 2)}\n`);
      model.dispose();
      tf.dispose([data.xs, data.ys, ...(validation ? [validation.xs, validation.ys] : [])]);
    });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode;
    } else {
      output.error(`gs-monitor: ${(error as Error).message}`);
      exitCode = 1;
    }
  }
  return exitCode;
}
