import { invalidOption, requirePositive } from '@gs/core';
import { requireObject } from './argument-checks.js';
import { formatNumber, type DetectorEvent } from './detector.js';
import { activationGain, amplification, type InitialLayerWeights } from './initial-weights.js';
import type { LayerArchitecture, ModelArchitecture } from './model-architecture.js';
import type { MonitorRecord } from './monitor-record.js';
import type { Remedy, RemedyId } from './remedy.js';

/** The wrapped optimizer's class and settings, as remedies need them. */
export interface OptimizerSettings {
  /** tfjs class name: `SGD`, `Adam`, `Momentum`, `RMSProp`, … */
  readonly className: string;
  /** The learning rate, when the optimizer has one. */
  readonly learningRate?: number;
  /** Adam/Adamax/RMSProp/Adagrad/Adadelta's ε, when set. */
  readonly epsilon?: number;
  /** Momentum's (or RMSProp's) momentum, when set. */
  readonly momentum?: number;
}

/** What the monitor knows about the run, from which remedies are ranked and filtered. */
export interface TrainingSetup {
  /** The model's layers (kind, activation, branch, gate). */
  readonly architecture?: ModelArchitecture;
  /** Each layer's weights at the first measured step. */
  readonly initialWeights?: ReadonlyMap<string, InitialLayerWeights>;
  /** The optimizer's class and settings. */
  readonly optimizer?: OptimizerSettings;
  /** Names of the other plugins in the step (from their records), e.g. `clipByGlobalNorm`. */
  readonly plugins?: readonly string[];
  /** The records up to the event, oldest first. */
  readonly records?: readonly MonitorRecord[];
  /** The loss names the model was compiled with (one per output), when it was compiled with names. */
  readonly lossNames?: readonly string[];
}

const ADAPTIVE_OPTIMIZERS = ['Adam', 'Adamax', 'RMSProp', 'Adagrad', 'Adadelta'];
/** tfjs loss names that compare outputs with targets on the targets' own scale. */
const REGRESSION_LOSSES = ['meanSquaredError', 'mse', 'MSE', 'meanAbsoluteError', 'mae', 'MAE', 'logcosh', 'meanSquaredLogarithmicError'];
/** Inputs whose root mean square is above this are not standardized (standardized features have ≈ 1; raw pixels ≈ 100). */
const LARGE_INPUTS = 10;
/** A regression loss that starts above this (targets of rms ≈ 100 or more) says the targets are not scaled. */
const LARGE_LOSS = 1e4;
/** Biases that start with an rms above this (tfjs's default is 0) put units in a flat or dead region. */
const LARGE_BIASES = 1;
/** An update ratio above this rewrites the weights wholesale every step: a warm-up to the same rate cannot help. */
const WHOLESALE = 1;
const RELU_LIKE = ['relu', 'relu6', 'elu', 'selu', 'swish', 'gelu', 'mish'];
const SATURATING = ['sigmoid', 'tanh', 'hardSigmoid', 'softsign'];
const FACTORIES: Record<string, string> = {
  SGD: 'sgd',
  Adam: 'adam',
  Momentum: 'momentum',
  RMSProp: 'rmsprop',
  Adagrad: 'adagrad',
  Adadelta: 'adadelta',
  Adamax: 'adamax',
};

function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = finite.length >> 1;
  return finite.length % 2 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** One significant digit: 0.0347 → 0.03. */
function round(value: number): number {
  return Number(value.toPrecision(1));
}

/** The tfjs call that builds the same optimizer with learning rate `learningRate`. */
export function optimizerCall(optimizer: OptimizerSettings | undefined, learningRate: number): string {
  requirePositive('optimizerCall', 'learningRate', learningRate);
  if (optimizer !== undefined && (optimizer === null || Object.getPrototypeOf(optimizer) !== Object.prototype || typeof optimizer.className !== 'string')) {
    invalidOption('optimizerCall', 'optimizer', 'OptimizerSettings such as { className: "Adam", learningRate: 0.001 } (monitor.trainingSetup().optimizer) or undefined', optimizer);
  }
  const factory = FACTORIES[optimizer?.className ?? ''] ?? 'sgd';
  const momentum = factory === 'momentum' ? `, ${optimizer?.momentum ?? 0.9}` : '';
  return `tf.train.${factory}(${learningRate}${momentum})`;
}

/** Whether a probe batch had NaN/Inf (the inputs themselves are bad). */
function probeHadNonFinite(setup: TrainingSetup): boolean {
  return (setup.records ?? []).some((record) => record.probeInputFinite === false);
}

function weightLayers(setup: TrainingSetup): LayerArchitecture[] {
  return [...(setup.architecture?.layers.values() ?? [])].filter((layer) => layer.weightLayer && !layer.branch);
}

/**
 * Whether every weight layer's initial kernel keeps the signal's scale for its activation
 * (amplification a = g / gain(activation) in [0.7, 1.5]: He for ReLU, Xavier/LeCun-like for tanh/linear).
 */
function variancePreserving(setup: TrainingSetup): boolean {
  const layers = weightLayers(setup).filter((layer) => layer.kind !== 'recurrent');
  if (!setup.initialWeights || layers.length === 0) return false;
  return layers.every((layer) => {
    const weights = setup.initialWeights!.get(layer.name);
    if (!weights || weights.zero || weights.kernelGain === undefined) return true;
    const a = weights.kernelGain / activationGain(layer.activation);
    return a >= 0.7 && a <= 1.5;
  });
}

/** Median update-to-weight ratio of the weight layers in the newest record. */
function updateRatio(setup: TrainingSetup): number {
  const record = setup.records?.[setup.records.length - 1];
  if (!record) return Number.NaN;
  const weight = new Set(weightLayers(setup).map((layer) => layer.name));
  const layers = weight.size > 0 ? record.layers.filter((layer) => weight.has(layer.name)) : record.layers;
  return median(layers.map((layer) => layer.updateRatio));
}

/**
 * A clipping threshold: the median global gradient norm of the records before the newest one
 * (rounded, at least 0.1), or 1 when there is no earlier record to learn it from.
 */
function clipThreshold(setup: TrainingSetup): { threshold: number; measured: boolean } {
  const records = setup.records ?? [];
  const typical = median(records.slice(0, -1).map((record) => record.gradientNorm).filter((norm) => Number.isFinite(norm) && norm > 0));
  return Number.isFinite(typical) ? { threshold: Math.max(round(typical), 0.1), measured: true } : { threshold: 1, measured: false };
}

/** The probe's input scale (root mean square) in the newest record that has one. */
function inputScale(setup: TrainingSetup): number {
  const records = setup.records ?? [];
  for (let i = records.length - 1; i >= 0; i--) {
    const scale = records[i]!.probeInputScale;
    if (scale !== undefined) return scale;
  }
  return Number.NaN;
}

/**
 * The first finite loss of a regression run (compiled with a regression loss, or with no loss name
 * known) when the targets explain it: not when the model's own output on the probe batch is that
 * large (an amplifying init, huge inputs), whose root mean square is then ≥ 0.1·√loss.
 */
function targetsLoss(setup: TrainingSetup): number {
  if (setup.lossNames && !setup.lossNames.some((name) => REGRESSION_LOSSES.includes(name))) return Number.NaN;
  const first = (setup.records ?? []).find((record) => record.loss !== undefined && Number.isFinite(record.loss));
  if (!first) return Number.NaN;
  const probed = (setup.records ?? []).find((record) => record.layers.some((layer) => layer.activations));
  const output = probed ? [...probed.layers].sort((a, b) => a.depth - b.depth).pop()?.activations : undefined;
  const outputScale = output ? Math.hypot(output.mean, output.std) : Number.NaN;
  return outputScale >= 0.1 * Math.sqrt(first.loss!) ? Number.NaN : first.loss!;
}

/** The weight layer whose biases start furthest from 0 (rms above 1), if any; recurrent layers (unit forget bias) aside. */
function offsetBiases(setup: TrainingSetup): { layer: LayerArchitecture; scale: number } | undefined {
  let found: { layer: LayerArchitecture; scale: number } | undefined;
  for (const layer of weightLayers(setup)) {
    const scale = setup.initialWeights?.get(layer.name)?.biasScale;
    if (layer.kind === 'recurrent' || scale === undefined || !(scale > LARGE_BIASES)) continue;
    if (!found || scale > found.scale) found = { layer, scale };
  }
  return found;
}

/** Median amplification a = g / gain(activation) of the weight layers' initial kernels (recurrent aside). */
function typicalAmplification(setup: TrainingSetup): number {
  return median(
    weightLayers(setup)
      .filter((layer) => layer.kind !== 'recurrent')
      .map((layer) => amplification(layer, setup.initialWeights?.get(layer.name))),
  );
}

/**
 * Ranks the remedies for an event, best first, from the evidence (verdict, source, culprit layer,
 * update ratios, typical gradient norm) and the model's own configuration (activations, initial
 * weight scale, normalization, residual gates, optimizer class, learning rate, Adam's ε, plugins
 * already in the step). Never suggests what the run already has: no "use Adam" for Adam, no He
 * init for a net whose kernels are already variance-preserving, no normalization for a normalized
 * net, no clipping when a clipping plugin runs (nor for a too-high rate under an adaptive optimizer,
 * whose step does not shrink with the gradient). Data evidence comes first when it explains the
 * event: inputs far from standardized (probe rms > 10), regression targets in the hundreds or more
 * (a first loss above 1e4), biases that start far from 0.
 *
 * @example
 * rankRemedies(event, { architecture, initialWeights, optimizer: { className: 'SGD', learningRate: 3 } })[0].call;
 * // 'tf.train.sgd(0.01)'
 */
export function rankRemedies(event: DetectorEvent, setup: TrainingSetup = {}): Remedy[] {
  requireObject('rankRemedies', 'event', event, 'a DetectorEvent', ['detector', 'step']);
  requireTrainingSetup('rankRemedies', setup);
  const architecture = setup.architecture;
  const optimizer = setup.optimizer;
  const learningRate = optimizer?.learningRate;
  const adaptive = optimizer ? ADAPTIVE_OPTIMIZERS.includes(optimizer.className) : false;
  const activations = architecture?.activations ?? [];
  const hasNormalization = (architecture?.normalization.length ?? 0) > 0;
  const plugins = setup.plugins ?? [];
  const culprit = event.layer ? architecture?.layers.get(event.layer) : undefined;
  // A learning-rate event carries the median ratio its verdict rests on (the step that overshot, the
  // first of the wholesale steps); the newest record may already show the ratio of a wrecked net.
  const rateEvent = event.verdict === 'learning rate too high' || event.verdict === 'learning rate too low';
  const ratio = rateEvent && Number.isFinite(event.value) && event.value > 0 ? event.value : updateRatio(setup);
  const atInitialization = event.step === (setup.records?.[0]?.step ?? Number.NaN);
  const preserving = variancePreserving(setup);
  const sequenceModel = Boolean(architecture?.recurrent) || activations.length === 0;
  const remedies: Remedy[] = [];
  const add = (remedy: Remedy | undefined) => {
    if (remedy && !remedies.some((existing) => existing.id === remedy.id)) remedies.push(remedy);
  };

  // With evidence that the rate is too high, aim the update ratio at ~3e-3; otherwise one decade lower.
  const lowerLearningRate = (): Remedy | undefined => {
    if (learningRate === undefined) return undefined;
    const fromRatio = event.verdict === 'learning rate too high' && Number.isFinite(ratio) && ratio > 0;
    const factor = fromRatio ? Math.min(0.3, Math.max(1e-3, 3e-3 / ratio)) : 0.1;
    const next = round(learningRate * factor);
    return {
      id: 'lowerLearningRate',
      action: `lower the learning rate from ${formatNumber(learningRate)} to ${formatNumber(next)}`,
      call: optimizerCall(optimizer, next),
      from: '@tensorflow/tfjs',
      reason: fromRatio
        ? `the update-to-weight ratio ‖ΔW‖/‖W‖ is ${formatNumber(ratio)} (median over layers; healthy ≈ 1e-3, CS231n); this aims at ≈ 3e-3`
        : Number.isFinite(ratio)
          ? `smaller steps keep the weights from overflowing (update-to-weight ratio now ${formatNumber(ratio)})`
          : 'smaller steps keep the weights from overflowing',
      parameters: { learningRate: next },
    };
  };
  const raiseLearningRate = (): Remedy | undefined => {
    if (learningRate === undefined) return undefined;
    const factor = Number.isFinite(ratio) && ratio > 0 ? Math.min(1000, Math.max(3, 1e-3 / ratio)) : 10;
    const next = round(learningRate * factor);
    return {
      id: 'raiseLearningRate',
      action: `raise the learning rate from ${formatNumber(learningRate)} to ${formatNumber(next)}`,
      call: optimizerCall(optimizer, next),
      from: '@tensorflow/tfjs',
      reason: `the update-to-weight ratio ‖ΔW‖/‖W‖ is ${formatNumber(ratio)} in every layer (healthy ≈ 1e-3, CS231n): the weights barely move`,
      parameters: { learningRate: next },
    };
  };
  const warmup = (): Remedy => ({
    id: 'warmup',
    action: 'warm the learning rate up from 0 over the first 100 steps',
    call: 'stabilize(optimizer, [warmup({ steps: 100 })])',
    from: '@gs/optim',
    reason: 'large early updates are what blows up; a warm-up lets the weights settle first (Goyal et al. 2017)',
    parameters: { steps: 100 },
  });
  const adaptiveOptimizer = (): Remedy | undefined =>
    adaptive
      ? undefined
      : {
          id: 'adaptiveOptimizer',
          action: `use Adam instead of ${optimizer?.className ?? 'plain SGD'}`,
          call: 'tf.train.adam(3e-4)',
          from: '@tensorflow/tfjs',
          reason: 'per-parameter step sizes let layers with small gradients learn too (Kingma & Ba 2015; 3e-4 as in Karpathy\'s "A Recipe for Training Neural Networks")',
          parameters: { learningRate: 3e-4 },
        };
  const initialize = (scheme: 'he' | 'xavier' | 'orthogonal', reason: string): Remedy => ({
    id: scheme === 'he' ? 'heInit' : scheme === 'xavier' ? 'xavierInit' : 'orthogonalInit',
    action: `re-initialize with ${scheme === 'he' ? 'He' : scheme === 'xavier' ? 'Xavier' : 'orthogonal'} kernels (gain from each layer's activation) and zero biases`,
    call: `initialize(model, '${scheme}')`,
    from: '@gs/initializers',
    reason,
    parameters: { scheme },
  });
  const normalization = (reason: string): Remedy | undefined => {
    // Normalization goes after Dense/Conv layers: it cannot reach a recurrent layer's inner state.
    if (hasNormalization || culprit?.kind === 'recurrent') return undefined;
    const kind = sequenceModel ? 'layer' : 'batch';
    return {
      id: kind === 'batch' ? 'batchNormalization' : 'layerNormalization',
      action: `insert ${kind} normalization after every Dense/Conv layer (before its activation)`,
      call: `insertNormalization(model, { kind: '${kind}' })`,
      from: '@gs/normalization',
      reason,
      parameters: { kind },
    };
  };
  const reluHe = (): Remedy | undefined => {
    const from = activations.find((activation) => SATURATING.includes(activation));
    if (!from) return undefined;
    if (culprit?.kind === 'recurrent') {
      // ReLU in a recurrent layer lets the state grow without bound (Le et al. 2015 need an identity
      // recurrent kernel for it); tanh (derivative ≤ 1, not ≤ 1/4) is the recurrent activation.
      if (culprit.activation !== 'sigmoid') return undefined;
      return {
        id: 'recurrentTanh',
        action: 'replace sigmoid with tanh in the recurrent layers',
        call: "await replaceActivation(model, 'sigmoid', 'tanh')",
        from: '@gs/monitor',
        reason: `${culprit.name} is recurrent: sigmoid′ ≤ 1/4 shrinks the gradient at every layer and time step, tanh′ ≤ 1 does not; ReLU would let the recurrent state overflow`,
        parameters: { from: 'sigmoid', to: 'tanh' },
      };
    }
    return {
      id: 'reluHe',
      action: `replace ${from} with ReLU and re-initialize with He`,
      call: `initialize(await replaceActivation(model, '${from}', 'relu'), 'he')`,
      from: '@gs/monitor + @gs/initializers',
      reason: `${from}′ ≤ ${from === 'sigmoid' ? '1/4' : '1'} shrinks gradients at every layer; ReLU + He keeps their scale (He et al. 2015)`,
      parameters: { from, to: 'relu', scheme: 'he' },
    };
  };
  const residualReZero = (): Remedy | undefined =>
    architecture?.residual
      ? undefined
      : {
          id: 'residualReZero',
          action: 'add residual connections with a ReZero gate (a change to the architecture, by hand)',
          call: 'residual(x, branchLayers, { gate: reZero() })',
          from: '@gs/residual',
          reason: 'the shortcut carries the gradient past the layers that shrink it (He et al. 2016; Bachlechner et al. 2020)',
        };
  const clipGlobalNorm = (reason: string): Remedy | undefined => {
    if (plugins.some((name) => /clip/i.test(name))) return undefined;
    const { threshold, measured } = clipThreshold(setup);
    return {
      id: 'clipGlobalNorm',
      action: `clip the global gradient norm at ${formatNumber(threshold)}${measured ? ' (the typical norm of this run so far)' : ''}`,
      call: `stabilize(optimizer, [clipByGlobalNorm(${threshold})])`,
      from: '@gs/clipping',
      reason,
      parameters: { threshold },
    };
  };
  const nonFiniteSkip = (): Remedy | undefined =>
    plugins.includes('nonFinite')
      ? undefined
      : {
          id: 'nonFiniteSkip',
          action: 'skip steps whose gradients are NaN/Inf so the weights stay finite while you fix the cause',
          call: "stabilize(optimizer, [nonFinite({ policy: 'skip' })])",
          from: '@gs/clipping',
          reason: 'one NaN step writes NaN into every weight it touches',
        };
  const amplifyingInit = (): Remedy | undefined => {
    const weights = culprit ? setup.initialWeights?.get(culprit.name) : undefined;
    const gain = culprit ? amplification(culprit, weights) : Number.NaN;
    if (culprit?.kind === 'recurrent') {
      return initialize('orthogonal', `${culprit.name}'s recurrent kernel amplifies the state ${formatNumber(gain)}× over the sequence; an orthogonal recurrent kernel keeps its norm (Saxe et al. 2014)`);
    }
    if (Number.isFinite(gain) && gain >= 1.5) {
      const scheme = RELU_LIKE.includes(culprit?.activation ?? '') ? 'he' : 'xavier';
      return initialize(scheme, `${culprit!.name}'s initial kernel amplifies the signal ${formatNumber(gain)}× per layer (1 keeps it; gain g = rms(W)·√fanIn = ${formatNumber(weights!.kernelGain!)})`);
    }
    return undefined;
  };

  const scale = inputScale(setup);
  const firstWeightLayer = weightLayers(setup).sort((a, b) => a.depth - b.depth)[0];
  const standardizeInputs = (): Remedy | undefined => {
    if (!(scale > LARGE_INPUTS) || firstWeightLayer?.kind === 'embedding') return undefined;
    return {
      id: 'standardizeInputs',
      action: 'standardize the inputs: subtract each feature\'s mean and divide by its standard deviation (or divide pixels by 255)',
      call: 'const { mean, variance } = tf.moments(xs, 0); xs = tf.div(tf.sub(xs, mean), tf.sqrt(variance))',
      from: '@tensorflow/tfjs',
      reason: `the inputs have a root mean square of ${formatNumber(scale)} (standardized features have ≈ 1), so the first layer's pre-activations, gradients and steps are ${formatNumber(scale)}× too large`,
      parameters: { inputScale: scale },
    };
  };
  const firstLoss = targetsLoss(setup);
  const standardizeTargets = (): Remedy | undefined => {
    if (!(firstLoss > LARGE_LOSS) || scale > LARGE_INPUTS) return undefined;
    return {
      id: 'standardizeTargets',
      action: 'standardize the regression targets (and undo it on the predictions: p·std + mean)',
      call: 'const { mean, variance } = tf.moments(ys, 0); ys = tf.div(tf.sub(ys, mean), tf.sqrt(variance))',
      from: '@tensorflow/tfjs',
      reason: `the loss starts at ${formatNumber(firstLoss)} (targets of size ≈ ${formatNumber(Math.sqrt(firstLoss))} for a squared error): gradients scale with the targets, so every step is that much larger`,
      parameters: { firstLoss },
    };
  };
  const resetBiases = (): Remedy | undefined => {
    const offset = offsetBiases(setup);
    if (!offset) return undefined;
    const scheme = SATURATING.includes(offset.layer.activation ?? '') ? 'xavier' : 'he';
    return initialize(
      scheme,
      `${offset.layer.name}'s biases start at rms ${formatNumber(offset.scale)} (tfjs's default is 0), which puts its ${offset.layer.activation ?? 'linear'} units where the slope is ≈ 0; initialize() sets every bias to 0`,
    );
  };
  const typical = typicalAmplification(setup);
  const scaleText = Number.isFinite(typical) ? `: each layer scales the signal by ≈ ${formatNumber(typical)} (median amplification; 1 keeps it)` : '';
  const adaptiveTooHigh = event.verdict === 'learning rate too high' && adaptive;

  switch (event.verdict) {
    case 'vanishing':
      add(resetBiases());
      add(reluHe());
      if (!preserving && activations.some((activation) => RELU_LIKE.includes(activation))) {
        add(initialize('he', `the kernels are not scaled for ReLU${scaleText}; He, Var(W) = 2/fanIn, keeps the gradients' scale across layers`));
      }
      add(normalization('normalizing each layer keeps activations — and so gradients — at unit scale (Ioffe & Szegedy 2015)'));
      add(residualReZero());
      add(adaptiveOptimizer());
      break;
    case 'exploding':
      add(amplifyingInit());
      add(standardizeInputs());
      add(standardizeTargets());
      add(clipGlobalNorm('rescales every step to a bounded norm, min(1, c/‖g‖) (Pascanu et al. 2013)'));
      if (Number.isFinite(ratio) && ratio > 1e-2) add(lowerLearningRate());
      add(normalization('normalization keeps activations at unit scale however the weights grow'));
      if (!plugins.some((name) => /clip/i.test(name))) {
        add({
          id: 'adaptiveClip',
          action: 'clip each unit\'s gradient relative to its weights (AGC)',
          call: 'stabilize(optimizer, [adaptiveClip()])',
          from: '@gs/clipping',
          reason: 'bounds ‖G‖/‖W‖ per unit (Brock et al. 2021)',
        });
      }
      break;
    case 'non-finite':
      if (event.source === 'data') {
        add({
          id: 'cleanData',
          action: 'remove or impute NaN/Inf in the inputs and the targets before training',
          call: 'tf.where(tf.isFinite(xs), xs, tf.zerosLike(xs)) (the same for ys), or drop those rows',
          from: '@tensorflow/tfjs',
          reason: probeHadNonFinite(setup) ? 'the inputs themselves contain NaN/Inf' : 'the model outputs are finite but a built-in loss is not: the targets (or inputs) of the batch contain NaN/Inf',
        });
      } else if (event.source === 'loss') {
        add({
          id: 'stableLoss',
          action: 'guard the loss against log(0) and division by 0',
          call: 'tf.log(tf.add(x, 1e-7)) / tf.div(a, tf.add(b, 1e-7)), or a built-in tf.losses.* loss',
          from: '@tensorflow/tfjs',
          reason: 'the model outputs are finite but the loss is not',
        });
      } else if (event.source === 'update') {
        if (optimizer && ADAPTIVE_OPTIMIZERS.includes(optimizer.className) && optimizer.epsilon !== undefined && optimizer.epsilon < 1e-8) {
          add({
            id: 'raiseAdamEpsilon',
            action: `raise ${optimizer.className}'s epsilon from ${formatNumber(optimizer.epsilon)} to 1e-7`,
            call: `tf.train.${FACTORIES[optimizer.className] ?? 'adam'}(${learningRate ?? 0.001}, 0.9, 0.999, 1e-7)`,
            from: '@tensorflow/tfjs',
            reason: 'with ε = 0 a parameter whose gradient is exactly 0 gets the update 0/0 = NaN',
            parameters: { epsilon: 1e-7 },
          });
        }
        if (!Number.isFinite(ratio) || ratio > 1e-2) add(lowerLearningRate());
      } else {
        add(amplifyingInit());
        add(standardizeInputs());
        // A forward pass that overflows at the first step does so with the initial weights: no step size or clipping changes that.
        if (!atInitialization) add(clipGlobalNorm('keeps one huge gradient from overflowing the weights (Pascanu et al. 2013)'));
      }
      add(nonFiniteSkip());
      if ((event.source === 'forward' || event.source === 'backward' || event.source === undefined) && !atInitialization) add(lowerLearningRate());
      break;
    case 'learning rate too high':
      add(standardizeTargets());
      add(standardizeInputs());
      add(lowerLearningRate());
      // A warm-up ends at the same rate: no help when every step rewrites the weights wholesale.
      if (!(ratio > WHOLESALE)) add(warmup());
      // Adam-like steps do not shrink with the gradient's norm: clipping it cannot make them smaller.
      if (!adaptiveTooHigh) add(clipGlobalNorm('bounds each step while the learning rate is too large'));
      break;
    case 'learning rate too low':
      add(raiseLearningRate());
      add(adaptiveOptimizer());
      break;
    case 'dead units':
      if (Number.isFinite(ratio) && ratio > 1e-2) add(lowerLearningRate());
      add(resetBiases());
      add(
        initialize(
          'he',
          preserving
            ? 'the kernels are already variance-preserving, so the biases (or an earlier update) killed the units: this resets every bias to 0 (Lu et al. 2019)'
            : `resets every bias to 0 and every kernel to He scale${Number.isFinite(typical) ? ` (each layer now scales the signal by ≈ ${formatNumber(typical)})` : ''}, reviving units that negative biases or a bad init killed (Lu et al. 2019)`,
        ),
      );
      if (activations.includes('relu')) {
        add({
          id: 'eluActivation',
          action: 'replace ReLU with ELU, whose units never stop passing a gradient',
          call: "replaceActivation(model, 'relu', 'elu')",
          from: '@gs/monitor',
          reason: 'ELU has a non-zero slope for negative inputs (Clevert et al. 2016)',
          parameters: { from: 'relu', to: 'elu' },
        });
      }
      add(normalization('normalizing pre-activations keeps about half of the units active (Ioffe & Szegedy 2015)'));
      break;
    case 'saturated': {
      add(standardizeInputs());
      add(resetBiases());
      const weights = culprit ? setup.initialWeights?.get(culprit.name) : undefined;
      const gain = culprit ? amplification(culprit, weights) : Number.NaN;
      if (!preserving || (Number.isFinite(gain) && gain > 1.5)) {
        add(initialize('xavier', `the kernels push pre-activations into the flat part of the activation${Number.isFinite(gain) ? ` (${culprit!.name} amplifies ${formatNumber(gain)}× per layer)` : ''}; Xavier keeps them in the linear range (Glorot & Bengio 2010)`));
      }
      add(normalization('normalizing before the activation keeps pre-activations near 0, where the slope is largest'));
      add(reluHe());
      break;
    }
    default:
      break;
  }
  return remedies;
}

/** The remedy ids `rankRemedies` can return, for documentation and tests. */
export const REMEDY_IDS: readonly RemedyId[] = [
  'lowerLearningRate',
  'raiseLearningRate',
  'warmup',
  'adaptiveOptimizer',
  'raiseAdamEpsilon',
  'heInit',
  'xavierInit',
  'orthogonalInit',
  'reluHe',
  'eluActivation',
  'batchNormalization',
  'layerNormalization',
  'residualReZero',
  'clipGlobalNorm',
  'adaptiveClip',
  'nonFiniteSkip',
  'cleanData',
  'stableLoss',
  'standardizeInputs',
  'standardizeTargets',
];

/** A `TrainingSetup` (a plain object, as `monitor.trainingSetup()` makes). */
export function requireTrainingSetup(where: string, setup: unknown): TrainingSetup {
  if (setup === null || typeof setup !== 'object' || Object.getPrototypeOf(setup) !== Object.prototype) {
    invalidOption(where, 'setup', 'a TrainingSetup object (monitor.trainingSetup())', setup);
  }
  return setup as TrainingSetup;
}
