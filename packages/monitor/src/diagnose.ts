import * as tf from '@tensorflow/tfjs';
import {
  createTrainer,
  invalidOption,
  requireFunction,
  requireInteger,
  requireModel,
  requireOneOf,
  requireOptions,
  requireTensor,
  type StabilityPlugin,
} from '@gs/core';
import { requireArray, requireObject } from './argument-checks.js';
import { formatNumber, SOURCE_PHRASES } from './detector.js';
import { monitor } from './monitor.js';
import type { OptimizerSettings } from './rank-remedies.js';
import { copyModel, ModelRebuildError, replaceActivation } from './rebuild-model.js';
import type { Remedy } from './remedy.js';
import { loadRemedyPackage, type RemedyPackages } from './remedy-packages.js';
import type { Diagnosis, MonitorSummary } from './summary.js';

/** A loss `diagnose` trains with: a Keras loss name, or a function of targets and predictions. */
export type DiagnoseLoss =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'binaryCrossentropy'
  | ((targets: tf.Tensor, predictions: tf.Tensor) => tf.Scalar);

/** Inputs and targets (same number of rows). */
export interface DiagnoseData {
  /** Model inputs, batch first. */
  xs: tf.Tensor;
  /** Targets, batch first. */
  ys: tf.Tensor;
}

/** Options of `diagnose`. */
export interface DiagnoseOptions {
  /** Training steps of every trial (the broken run and each remedy get the same budget). Default 30. */
  steps?: number;
  /** Rows per step (consecutive slices, wrapping around). Default 32 (or all rows when fewer). */
  batchSize?: number;
  /** How many of the top-ranked remedies to try. Default 3. */
  remedies?: number;
  /** The loss. Default: the model's compiled loss when it is one of the names, else categorical cross-entropy after a softmax output, binary after a 1-unit sigmoid, mean squared error otherwise. */
  loss?: DiagnoseLoss;
  /** Makes a fresh optimizer for each trial. Default: the model's compiled optimizer (same class and settings), else `tf.train.adam(1e-3)`. */
  optimizer?: () => tf.Optimizer;
  /** Data the loss and accuracy before and after are measured on. Default: the training data. */
  validation?: DiagnoseData;
  /** Rows of the inputs the monitor probes (activation statistics, NaN tracing). Default 32. */
  probeSize?: number;
  /** Seed of the re-initializations. Default 0. */
  seed?: number;
  /** The optional packages remedies need, as loaded modules (see `RemedyPackages`). Default: loaded with `import()`. */
  packages?: RemedyPackages;
  /** Called with a line of progress before each trial. */
  onProgress?: (message: string) => void;
}

/** One trial: the model (as given, or with one remedy) trained for the budget. */
export interface DiagnoseTrial {
  /** The remedy tried; absent for the model as given. */
  readonly remedy?: Remedy;
  /** The call that applied it (with the numbers used), or `'(as given)'`. */
  readonly call: string;
  /** Loss on the evaluation data before training. */
  readonly lossBefore: number;
  /** Loss on the evaluation data after the budget (NaN/Infinity when it diverged). */
  readonly lossAfter: number;
  /** Accuracy before training, for one-hot targets. */
  readonly accuracyBefore?: number;
  /** Accuracy after the budget, for one-hot targets. */
  readonly accuracyAfter?: number;
  /** The monitor's verdict on the trial. */
  readonly verdict: Diagnosis;
  /** The trial's detector events as `detector@step:layer`. */
  readonly events: readonly string[];
  /** Whether it trains clearly better than the model as given: final loss finite and ≤ 0.9 × the broken run's (or the broken run diverged). */
  readonly trains: boolean;
  /** An error that ended the trial early (e.g. `nonFinite` giving up). */
  readonly error?: string;
}

/** A remedy `diagnose` did not try, and why. */
export interface SkippedRemedy {
  /** The remedy. */
  readonly remedy: Remedy;
  /** Why it was not tried. */
  readonly reason: string;
}

/** What `diagnose` found and achieved. */
export interface DiagnoseResult {
  /** The monitor's verdict on the model as given. */
  readonly verdict: Diagnosis;
  /** The monitor's full summary of the model as given. */
  readonly summary: MonitorSummary;
  /** The model as given, trained for the budget. */
  readonly baseline: DiagnoseTrial;
  /** The remedies tried, best final loss first. */
  readonly trials: readonly DiagnoseTrial[];
  /** The best remedy tried when it trains (see `DiagnoseTrial.trains`). */
  readonly best?: DiagnoseTrial;
  /** Ranked remedies that were not tried, with the reason. */
  readonly skipped: readonly SkippedRemedy[];
  /** Whether the model could be rebuilt from `toJSON()` (else trials ran on the model itself, weights restored after each). */
  readonly rebuilt: boolean;
  /** Why it could not be rebuilt. */
  readonly rebuildProblem?: string;
  /** The ranked table as Markdown. */
  readonly table: string;
  /** Verdict, evidence, table and notes as text. */
  readonly text: string;
}

const OPTIONS = ['steps', 'batchSize', 'remedies', 'loss', 'optimizer', 'validation', 'probeSize', 'seed', 'packages', 'onProgress'] as const;
const LOSS_NAMES = ['meanSquaredError', 'meanAbsoluteError', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'binaryCrossentropy'] as const;
type LossFunction = (targets: tf.Tensor, predictions: tf.Tensor) => tf.Scalar;

const LOSSES: Record<(typeof LOSS_NAMES)[number], LossFunction> = {
  meanSquaredError: (ys, p) => tf.losses.meanSquaredError(ys, p) as tf.Scalar,
  meanAbsoluteError: (ys, p) => tf.losses.absoluteDifference(ys, p) as tf.Scalar,
  categoricalCrossentropy: (ys, p) => tf.mean(tf.metrics.categoricalCrossentropy(ys, p)) as tf.Scalar,
  sparseCategoricalCrossentropy: (ys, p) =>
    tf.mean(tf.metrics.categoricalCrossentropy(tf.oneHot(tf.cast(tf.reshape(ys, [-1]), 'int32'), p.shape[p.rank - 1]!), p)) as tf.Scalar,
  binaryCrossentropy: (ys, p) => tf.mean(tf.metrics.binaryCrossentropy(ys, p)) as tf.Scalar,
};
const LOSS_ALIASES: Record<string, (typeof LOSS_NAMES)[number]> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError' };

/** Remedies that need a change only the user can make. */
const BY_HAND: Partial<Record<Remedy['id'], string>> = {
  residualReZero: 'it changes the architecture: build the blocks with residual(x, branch, { gate: reZero() }) or residualMlp()',
  cleanData: 'it needs a change to your data',
  stableLoss: 'it needs a change to your loss function',
  standardizeInputs: 'it needs a change to your data',
  standardizeTargets: 'it needs a change to your data (and to how you read the predictions)',
};
const CHANGES_MODEL: readonly Remedy['id'][] = ['heInit', 'xavierInit', 'orthogonalInit', 'reluHe', 'recurrentTanh', 'eluActivation', 'batchNormalization', 'layerNormalization'];

function checkData(where: string, option: string, data: unknown): DiagnoseData {
  if (data == null || typeof data !== 'object') invalidOption(where, option, 'an object { xs, ys } of tensors', data);
  const { xs, ys } = data as Partial<DiagnoseData>;
  requireTensor(where, `${option}.xs`, xs);
  requireTensor(where, `${option}.ys`, ys);
  if (xs!.shape[0] !== ys!.shape[0] || xs!.shape[0] === 0) {
    invalidOption(where, `${option}.ys`, `a tensor with as many rows as ${option}.xs (${xs!.shape[0]})`, ys);
  }
  return { xs: xs!, ys: ys! };
}

function defaultLoss(model: tf.LayersModel): LossFunction {
  const compiled = (model as unknown as { loss?: unknown }).loss;
  if (typeof compiled === 'string') {
    const name = LOSS_ALIASES[compiled] ?? compiled;
    if (name in LOSSES) return LOSSES[name as keyof typeof LOSSES];
  }
  const last = model.layers[model.layers.length - 1];
  const config = (last?.getConfig() ?? {}) as { activation?: unknown; units?: unknown };
  if (config.activation === 'softmax') return LOSSES.categoricalCrossentropy;
  if (config.activation === 'sigmoid' && config.units === 1) return LOSSES.binaryCrossentropy;
  return LOSSES.meanSquaredError;
}

/** How each trial gets its optimizer: the same class and settings as the model's, with overrides. */
interface OptimizerSource {
  /** A fresh optimizer, with `overrides` (learning rate, ε) applied to the config. */
  make(overrides?: Record<string, number>): tf.Optimizer;
  /** Whether overrides can be applied (the class is registered for serialization). */
  readonly configurable: boolean;
  /** Class and settings, for the report. */
  readonly settings: OptimizerSettings;
}

/** The optimizer of each trial: the given factory, the model's compiled optimizer's class and config, or Adam 1e-3. */
function optimizerSource(model: tf.LayersModel, factory?: () => tf.Optimizer): OptimizerSource {
  const compiled = (model as unknown as { optimizer?: unknown }).optimizer;
  const wrapped = (compiled as { optimizer?: unknown } | undefined)?.optimizer;
  // tf.Optimizer's instanceof is duck-typed and throws on undefined: check for an object first.
  const isOptimizer = (value: unknown): value is tf.Optimizer => value != null && typeof value === 'object' && value instanceof tf.Optimizer;
  const given = isOptimizer(wrapped) ? wrapped : isOptimizer(compiled) ? compiled : undefined;
  const sample = factory ? factory() : (given ?? tf.train.adam(1e-3));
  if (!isOptimizer(sample)) invalidOption('diagnose', 'optimizer', 'a function returning a tf.Optimizer', sample);
  const className = sample.getClassName();
  const config = sample.getConfig();
  if (sample !== given) sample.dispose();
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  const number = (key: string) => (typeof config[key] === 'number' ? { [key]: config[key] as number } : {});
  return {
    make: (overrides = {}) =>
      factory && Object.keys(overrides).length === 0 ? factory() : (entry![1](entry![0], { ...config, ...overrides }) as tf.Optimizer),
    configurable: entry !== undefined,
    settings: { className, ...number('learningRate'), ...number('epsilon'), ...number('momentum') },
  };
}

/** Rows [start, start + size) of `tensor`, wrapping around. */
function rows(tensor: tf.Tensor, start: number, size: number): tf.Tensor {
  const n = tensor.shape[0]!;
  const first = Math.min(size, n - start);
  const head = tf.slice(tensor, [start], [first]);
  return first === size ? head : tf.concat([head, tf.slice(tensor, [0], [size - first])]);
}

interface Plan {
  model: tf.LayersModel;
  optimizer: () => tf.Optimizer;
  plugins: StabilityPlugin[];
  call: string;
  /** What was done, when it differs from the remedy's own words (a warm-up shortened to the budget). */
  action?: string;
}

interface Context {
  data: DiagnoseData;
  evaluation: DiagnoseData;
  loss: LossFunction;
  steps: number;
  batchSize: number;
  probe: tf.Tensor;
  oneHot: boolean;
}

async function evaluate(model: tf.LayersModel, context: Context): Promise<{ loss: number; accuracy?: number }> {
  const { xs, ys } = context.evaluation;
  const values = tf.tidy(() => {
    const predictions = model.apply(xs, { training: false }) as tf.Tensor;
    const loss = context.loss(ys, predictions);
    const accuracy = context.oneHot ? tf.mean(tf.cast(tf.equal(tf.argMax(predictions, -1), tf.argMax(ys, -1)), 'float32')) : tf.scalar(Number.NaN);
    return tf.stack([loss, accuracy]);
  });
  const [loss, accuracy] = Array.from(await values.data());
  values.dispose();
  return { loss: loss!, ...(context.oneHot ? { accuracy: accuracy! } : {}) };
}

/** Trains `plan.model` for the budget under the monitor; returns the trial and the monitor's summary. */
async function runTrial(plan: Plan, context: Context, remedy?: Remedy): Promise<{ trial: Omit<DiagnoseTrial, 'trains'>; summary: MonitorSummary }> {
  const before = await evaluate(plan.model, context);
  const watcher = monitor({ probe: context.probe, onEvent: () => {} });
  const optimizer = plan.optimizer();
  const trainer = createTrainer({ optimizer, plugins: [...plan.plugins, watcher], model: plan.model });
  const variables = plan.model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
  const rowCount = context.data.xs.shape[0]!;
  let error: string | undefined;
  try {
    for (let step = 0; step < context.steps; step++) {
      const start = (step * context.batchSize) % rowCount;
      const xs = rows(context.data.xs, start, context.batchSize);
      const ys = rows(context.data.ys, start, context.batchSize);
      try {
        await trainer.step(() => context.loss(ys, plan.model.apply(xs, { training: true }) as tf.Tensor), variables);
      } finally {
        tf.dispose([xs, ys]);
      }
    }
  } catch (caught) {
    error = (caught as Error).message;
  }
  const after = await evaluate(plan.model, context);
  const summary = watcher.summary();
  trainer.dispose();
  optimizer.dispose();
  return {
    trial: {
      ...(remedy ? { remedy } : {}),
      call: plan.call,
      lossBefore: before.loss,
      lossAfter: after.loss,
      ...(before.accuracy !== undefined ? { accuracyBefore: before.accuracy, accuracyAfter: after.accuracy! } : {}),
      verdict: summary.diagnosis,
      events: watcher.events.map((event) => `${event.detector}@${event.step}${event.layer ? `:${event.layer}` : ''}`),
      ...(error ? { error } : {}),
    },
    summary,
  };
}

/** Builds the trial of one remedy, or says why it cannot be tried. */
async function planRemedy(
  remedy: Remedy,
  model: tf.LayersModel,
  fresh: () => Promise<tf.LayersModel>,
  optimizer: OptimizerSource,
  options: { packages: RemedyPackages; seed: number; steps: number },
): Promise<Plan | string> {
  const same = { optimizer: () => optimizer.make(), plugins: [] as StabilityPlugin[] };
  const parameters = remedy.parameters ?? {};
  switch (remedy.id) {
    case 'heInit':
    case 'xavierInit':
    case 'orthogonalInit':
    case 'reluHe': {
      const initializers = await loadRemedyPackage('initializers', options.packages);
      if (typeof initializers === 'string') return initializers;
      const scheme = (parameters['scheme'] as 'he' | 'xavier' | 'orthogonal' | undefined) ?? 'he';
      const from = parameters['from'] as string | undefined;
      const copy = remedy.id === 'reluHe' ? await replaceActivation(model, from!, 'relu') : await fresh();
      initializers.initialize(copy, scheme, { seed: options.seed });
      const call = remedy.id === 'reluHe' ? `initialize(await replaceActivation(model, '${from}', 'relu'), 'he')` : `initialize(model, '${scheme}')`;
      return { ...same, model: copy, call };
    }
    case 'eluActivation':
      return { ...same, model: await replaceActivation(model, 'relu', 'elu'), call: "replaceActivation(model, 'relu', 'elu')" };
    case 'recurrentTanh':
      return { ...same, model: await replaceActivation(model, 'sigmoid', 'tanh'), call: "await replaceActivation(model, 'sigmoid', 'tanh')" };
    case 'batchNormalization':
    case 'layerNormalization': {
      const normalization = await loadRemedyPackage('normalization', options.packages);
      if (typeof normalization === 'string') return normalization;
      const kind = remedy.id === 'batchNormalization' ? 'batch' : 'layer';
      const copy = await fresh();
      const normalized = normalization.insertNormalization(copy, { kind });
      copy.dispose();
      return { ...same, model: normalized, call: `insertNormalization(model, { kind: '${kind}' })` };
    }
    case 'lowerLearningRate':
    case 'raiseLearningRate':
    case 'raiseAdamEpsilon': {
      if (!optimizer.configurable) return `the optimizer class '${optimizer.settings.className}' is not registered, so its settings cannot be changed`;
      const overrides: Record<string, number> =
        remedy.id === 'raiseAdamEpsilon' ? { epsilon: 1e-7 } : { learningRate: parameters['learningRate'] as number };
      return { model: await fresh(), optimizer: () => optimizer.make(overrides), plugins: [], call: remedy.call };
    }
    case 'adaptiveOptimizer':
      return { model: await fresh(), optimizer: () => tf.train.adam(3e-4), plugins: [], call: remedy.call };
    case 'clipGlobalNorm':
    case 'adaptiveClip':
    case 'nonFiniteSkip': {
      const clipping = await loadRemedyPackage('clipping', options.packages);
      if (typeof clipping === 'string') return clipping;
      const plugin =
        remedy.id === 'clipGlobalNorm'
          ? clipping.clipByGlobalNorm(parameters['threshold'] as number)
          : remedy.id === 'adaptiveClip'
            ? clipping.adaptiveClip()
            : clipping.nonFinite({ policy: 'skip', maxConsecutive: options.steps + 1 });
      // maxConsecutive above the budget: the trial runs its whole budget instead of giving up.
      const call = remedy.id === 'nonFiniteSkip' ? `stabilize(optimizer, [nonFinite({ policy: 'skip', maxConsecutive: ${options.steps + 1} })])` : remedy.call;
      return { ...same, model: await fresh(), plugins: [plugin], call };
    }
    case 'warmup': {
      const optim = await loadRemedyPackage('optim', options.packages);
      if (typeof optim === 'string') return optim;
      const steps = Math.max(1, Math.round(options.steps / 3));
      return {
        ...same,
        model: await fresh(),
        plugins: [optim.warmup({ steps })],
        call: `stabilize(optimizer, [warmup({ steps: ${steps} })])`,
        action: `warm the learning rate up over the first ${steps} steps (a third of the ${options.steps}-step budget)`,
      };
    }
    default:
      return BY_HAND[remedy.id] ?? `diagnose cannot apply '${remedy.id}'`;
  }
}

function finiteOr(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(100 * value).toFixed(1)} %`;
}

/** The ranked table as Markdown: the model as given first, then each remedy tried. */
export function diagnosisTable(baseline: DiagnoseTrial, trials: readonly DiagnoseTrial[]): string {
  requireObject('diagnosisTable', 'baseline', baseline, 'a DiagnoseTrial (diagnose(...).baseline)', ['call', 'lossBefore', 'lossAfter']);
  requireArray('diagnosisTable', 'trials', trials, 'an array of DiagnoseTrial');
  trials.forEach((trial, index) =>
    requireObject('diagnosisTable', `trials[${index}]`, trial, 'a DiagnoseTrial (diagnose(...).trials[i])', ['call', 'lossBefore', 'lossAfter', 'events']),
  );
  const accuracy = baseline.accuracyBefore !== undefined;
  const header = ['rank', 'remedy', 'call', 'loss before → after', ...(accuracy ? ['accuracy before → after'] : []), 'verdict', 'events'];
  const row = (rank: string, trial: DiagnoseTrial) => [
    rank,
    trial.remedy ? trial.remedy.action : 'none (the model as given)',
    `\`${trial.call}\``,
    `${formatNumber(trial.lossBefore)} → ${formatNumber(trial.lossAfter)}`,
    ...(accuracy ? [`${percent(trial.accuracyBefore)} → ${percent(trial.accuracyAfter)}`] : []),
    trial.verdict,
    trial.events.length ? trial.events.slice(0, 4).join(', ') + (trial.events.length > 4 ? ' …' : '') : 'none',
  ];
  const lines = [header, header.map(() => '---'), row('–', baseline), ...trials.map((trial, i) => row(String(i + 1), trial))];
  return lines.map((cells) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`).join('\n');
}

/**
 * Diagnoses a model and proves the remedy: trains a copy of the model as given for a short
 * monitored budget, takes the verdict and the remedies ranked for this model and optimizer, then
 * tries the top remedies — each on a fresh copy rebuilt from `model.toJSON()` with the original
 * weights and the change applied (re-initialization with `initialize()`, a replaced activation,
 * inserted normalization, a clipping or warm-up plugin, another learning rate, optimizer or ε) —
 * for the same budget, and returns them ranked by final loss with the loss (and accuracy) before
 * and after and each trial's detector events. The model passed in is never changed.
 *
 * Models that cannot be rebuilt (an unregistered custom layer) are trained in place with their
 * weights restored after every trial, and remedies that change the model are listed as not tried.
 * Remedies that need `@gs/initializers`, `@gs/normalization`, `@gs/clipping` or `@gs/optim` load
 * them with `import()` (optional peer dependencies) or take them from `options.packages`.
 *
 * Defaults: steps 30, batchSize 32, remedies 3, the model's compiled loss and optimizer (else MSE /
 * cross-entropy by output, Adam 1e-3), probeSize 32, seed 0.
 *
 * @example
 * const result = await diagnose(model, { xs, ys }, { steps: 40 });
 * console.log(result.text);          // verdict, evidence, ranked table
 * result.best?.call;                 // e.g. "initialize(model, 'he')"
 */
export async function diagnose(model: tf.LayersModel, data: DiagnoseData, options: DiagnoseOptions = {}): Promise<DiagnoseResult> {
  const where = 'diagnose';
  requireModel(where, 'model', model);
  const opts = requireOptions<DiagnoseOptions>(where, options, [...OPTIONS]);
  const training = checkData(where, 'data', data);
  const evaluationData = opts.validation === undefined ? training : checkData(where, 'validation', opts.validation);
  const steps = requireInteger(where, 'steps', opts.steps ?? 30);
  const rowCount = training.xs.shape[0]!;
  const batchSize = Math.min(requireInteger(where, 'batchSize', opts.batchSize ?? 32), rowCount);
  const remedyCount = requireInteger(where, 'remedies', opts.remedies ?? 3, 0);
  const probeSize = requireInteger(where, 'probeSize', opts.probeSize ?? 32);
  const seed = requireInteger(where, 'seed', opts.seed ?? 0, 0);
  const loss: LossFunction =
    opts.loss === undefined
      ? defaultLoss(model)
      : typeof opts.loss === 'function'
        ? opts.loss
        : LOSSES[requireOneOf(where, 'loss', opts.loss, LOSS_NAMES)];
  if (opts.optimizer !== undefined) requireFunction(where, 'optimizer', opts.optimizer);
  if (opts.onProgress !== undefined) requireFunction(where, 'onProgress', opts.onProgress);
  if (opts.packages !== undefined && (opts.packages === null || Object.getPrototypeOf(opts.packages) !== Object.prototype)) {
    invalidOption(where, 'packages', 'an object such as { initializers: await import("@gs/initializers") }', opts.packages);
  }
  const packages = opts.packages ?? {};
  const progress = opts.onProgress ?? (() => {});
  const optimizer = optimizerSource(model, opts.optimizer);

  let rebuildProblem: string | undefined;
  try {
    (await copyModel(model)).dispose();
  } catch (error) {
    if (!(error instanceof ModelRebuildError)) throw error;
    rebuildProblem = error.message;
  }
  const original = rebuildProblem ? model.getWeights().map((weight) => tf.clone(weight)) : [];
  const fresh = async () => (rebuildProblem ? model : copyModel(model));
  const release = (trialModel: tf.LayersModel) => {
    if (trialModel === model) model.setWeights(original);
    else trialModel.dispose();
  };

  const probe = training.xs.slice(0, Math.min(probeSize, rowCount));
  const oneHot = evaluationData.ys.rank === 2 && evaluationData.ys.shape[1]! > 1;
  const context: Context = { data: training, evaluation: evaluationData, loss, steps, batchSize, probe, oneHot };
  try {
    progress(`diagnose: training the model as given for ${steps} steps`);
    const baseModel = await fresh();
    const base = await runTrial({ model: baseModel, optimizer: () => optimizer.make(), plugins: [], call: '(as given)' }, context);
    release(baseModel);
    const baseline: DiagnoseTrial = { ...base.trial, trains: false };
    const fixes = base.summary.fixes;
    const skipped: SkippedRemedy[] = [];
    const trials: DiagnoseTrial[] = [];
    for (const remedy of fixes) {
      if (trials.length >= remedyCount) break;
      if (rebuildProblem && CHANGES_MODEL.includes(remedy.id)) {
        skipped.push({ remedy, reason: 'it changes the model, which cannot be rebuilt (see the note)' });
        continue;
      }
      const plan = await planRemedy(remedy, model, fresh, optimizer, { packages, seed, steps });
      if (typeof plan === 'string') {
        skipped.push({ remedy, reason: plan });
        continue;
      }
      progress(`diagnose: trying ${plan.call}`);
      const { trial } = await runTrial(plan, context, plan.action ? { ...remedy, action: plan.action } : remedy);
      release(plan.model);
      const trains =
        Number.isFinite(trial.lossAfter) && (!Number.isFinite(baseline.lossAfter) || trial.lossAfter <= 0.9 * baseline.lossAfter);
      trials.push({ ...trial, trains });
    }
    const untried = fixes.filter(
      (remedy) => !trials.some((trial) => trial.remedy?.id === remedy.id) && !skipped.some((entry) => entry.remedy.id === remedy.id),
    );
    const notReached = [...skipped];
    for (const remedy of untried) skipped.push({ remedy, reason: `beyond the ${remedyCount} remedies tried (options.remedies)` });
    trials.sort(
      (a, b) =>
        finiteOr(a.lossAfter, Infinity) - finiteOr(b.lossAfter, Infinity) || (b.accuracyAfter ?? 0) - (a.accuracyAfter ?? 0),
    );
    const best = trials[0]?.trains ? trials[0] : undefined;
    const table = diagnosisTable(baseline, trials);
    const text = [
      `diagnose: ${base.summary.diagnosis}${base.summary.layer ? ` at ${base.summary.layer}` : ''}${base.summary.source ? ` (from ${SOURCE_PHRASES[base.summary.source]})` : ''} — ${steps} steps of ${batchSize} rows per trial, ${optimizer.settings.className}${optimizer.settings.learningRate !== undefined ? ` ${formatNumber(optimizer.settings.learningRate)}` : ''}`,
      ...(base.summary.evidence ? [`evidence: ${base.summary.evidence}`] : []),
      '',
      table,
      '',
      best
        ? `best: ${best.remedy!.action} — ${best.call}: loss ${formatNumber(baseline.lossAfter)} → ${formatNumber(best.lossAfter)}`
        : trials.length > 0
          ? 'none of the remedies tried trains clearly better than the model as given'
          : 'no remedy was tried',
      ...(rebuildProblem ? [`note: ${rebuildProblem}; trials ran on the model itself with its weights restored after each, and remedies that change the model were not tried`] : []),
      ...notReached.map((entry) => `not tried: ${entry.remedy.action} — ${entry.reason}`),
      ...(untried.length > 0 ? [`also suggested (beyond the ${remedyCount} tried): ${untried.map((remedy) => remedy.call).join('; ')}`] : []),
    ].join('\n');
    return {
      verdict: base.summary.diagnosis,
      summary: base.summary,
      baseline,
      trials,
      ...(best ? { best } : {}),
      skipped,
      rebuilt: rebuildProblem === undefined,
      ...(rebuildProblem ? { rebuildProblem } : {}),
      table,
      text,
    };
  } finally {
    probe.dispose();
    tf.dispose(original);
  }
}
