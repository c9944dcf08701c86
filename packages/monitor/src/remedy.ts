import { requireObject } from './argument-checks.js';

/**
 * The remedies the monitor can suggest, each applied by one call in this project (or in tfjs):
 *
 * | id | call |
 * |---|---|
 * | `lowerLearningRate` / `raiseLearningRate` | `tf.train.<optimizer>(<new rate>)` |
 * | `warmup` | `warmup({steps})` from `@gs/optim` (a plugin) |
 * | `adaptiveOptimizer` | `tf.train.adam(3e-4)` |
 * | `raiseAdamEpsilon` | `tf.train.adam(lr, 0.9, 0.999, 1e-7)` |
 * | `heInit` / `xavierInit` / `orthogonalInit` | `initialize(model, 'he' \| 'xavier' \| 'orthogonal')` from `@gs/initializers` |
 * | `reluHe` | `initialize(await replaceActivation(model, from, 'relu'), 'he')` |
 * | `recurrentTanh` | `await replaceActivation(model, 'sigmoid', 'tanh')` (vanishing in sigmoid recurrent layers) |
 * | `eluActivation` | `replaceActivation(model, 'relu', 'elu')` from `@gs/monitor` |
 * | `batchNormalization` / `layerNormalization` | `insertNormalization(model, {kind})` from `@gs/normalization` |
 * | `residualReZero` | `residual(x, branch, {gate: reZero()})` from `@gs/residual` |
 * | `clipGlobalNorm` / `adaptiveClip` / `nonFiniteSkip` | `clipByGlobalNorm(c)` / `adaptiveClip()` / `nonFinite({policy: 'skip'})` from `@gs/clipping` |
 * | `cleanData` / `stableLoss` | fix the inputs / the loss (tfjs calls) |
 * | `standardizeInputs` / `standardizeTargets` | `tf.moments(xs, 0)` → `(xs − mean) / std` (the same for regression targets) |
 */
export type RemedyId =
  | 'lowerLearningRate'
  | 'raiseLearningRate'
  | 'warmup'
  | 'adaptiveOptimizer'
  | 'raiseAdamEpsilon'
  | 'heInit'
  | 'xavierInit'
  | 'orthogonalInit'
  | 'reluHe'
  | 'recurrentTanh'
  | 'eluActivation'
  | 'batchNormalization'
  | 'layerNormalization'
  | 'residualReZero'
  | 'clipGlobalNorm'
  | 'adaptiveClip'
  | 'nonFiniteSkip'
  | 'cleanData'
  | 'stableLoss'
  | 'standardizeInputs'
  | 'standardizeTargets';

/** One suggested fix: what to do, the exact call that does it, where that call lives, and why it fits. */
export interface Remedy {
  /** Which remedy (see `RemedyId`). */
  readonly id: RemedyId;
  /** What to do, e.g. `lower the learning rate from 3 to 0.01`. */
  readonly action: string;
  /** The call that applies it, e.g. `tf.train.sgd(0.01)` or `initialize(model, 'he')`. */
  readonly call: string;
  /** The package that exports the call, e.g. `@gs/initializers` (`@tensorflow/tfjs` for tfjs calls). */
  readonly from: string;
  /** Why it fits this run: the evidence and the model's configuration behind it. */
  readonly reason: string;
  /**
   * The numbers diagnose() applies: the new learning rate, the clipping threshold, the activation
   * replaced and its replacement, the warm-up length.
   */
  readonly parameters?: Readonly<Record<string, number | string>>;
}

/** One line for a remedy: `<action>: <call> (<package>) — <reason>`. */
export function remedyText(remedy: Remedy): string {
  requireObject('remedyText', 'remedy', remedy, 'a Remedy', ['action', 'call', 'from', 'reason']);
  return `${remedy.action}: ${remedy.call} (${remedy.from}) — ${remedy.reason}`;
}
