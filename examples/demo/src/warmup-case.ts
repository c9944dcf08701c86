import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { warmup } from '@gs/optim';
import { type DigitSet, digitBatch } from './digit-set.js';
import { postNormResidualMlp } from './post-norm-network.js';

/** Mean and standard deviation of MNIST pixels, to standardize the inputs (as is usual for MNIST). */
const PIXEL_MEAN = 0.1307;
const PIXEL_STD = 0.3081;

/** The size and settings of the warmup case. */
export interface WarmupCaseSize {
  /** Post-norm residual blocks. */
  depth: number;
  /** Units per block. */
  width: number;
  /** Training steps per run. */
  steps: number;
  batchSize: number;
  /** Adam's learning rate, the same in both runs. */
  learningRate: number;
  /** Length of the linear warmup of the second run, in steps. */
  warmupSteps: number;
}

/** The default warmup case: 6 blocks of 512 units, Adam at 3e-3, 20 warmup steps, 100 steps of 64 digits. */
export const WARMUP_CASE: WarmupCaseSize = { depth: 6, width: 512, steps: 100, batchSize: 64, learningRate: 3e-3, warmupSteps: 20 };

/** One run of the warmup case. */
export interface WarmupRun {
  id: 'adam' | 'adam-warmup';
  title: string;
  /** Training loss per step (NaN once it diverged). */
  losses: number[];
  /** The learning rate each step used. */
  learningRates: number[];
  /** Mean loss over the last 10 % of steps. */
  finalLoss: number;
  /** Largest training loss seen. */
  maxLoss: number;
  testAccuracy: number;
  seconds: number;
}

/** What `runWarmupCase` produced (also written to `warmup-case.json`). */
export interface WarmupCaseResult {
  size: WarmupCaseSize;
  runs: WarmupRun[];
}

/** Options for `runWarmupCase`. */
export interface WarmupCaseOptions {
  size: WarmupCaseSize;
  train: DigitSet;
  test: DigitSet;
  /** Called after every training step. */
  onStep?: (run: WarmupRun['id'], step: number, loss: number) => void;
}

function standardizedBatch(set: DigitSet, start: number, size: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const batch = digitBatch(set, start, size);
  const xs = tf.tidy(() => tf.div(tf.sub(batch.xs, PIXEL_MEAN), PIXEL_STD) as tf.Tensor2D);
  batch.xs.dispose();
  return { xs, ys: batch.ys };
}

async function accuracyOn(model: tf.LayersModel, test: DigitSet): Promise<number> {
  const chunk = 500;
  let correct = 0;
  for (let start = 0; start < test.count; start += chunk) {
    const size = Math.min(chunk, test.count - start);
    const { xs, ys } = standardizedBatch(test, start, size);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor, -1), tf.argMax(ys, -1)), 'float32')));
    correct += (await hits.data())[0]!;
    tf.dispose([xs, ys, hits]);
  }
  return correct / test.count;
}

async function train(id: WarmupRun['id'], options: WarmupCaseOptions): Promise<WarmupRun> {
  const started = performance.now();
  const { size } = options;
  const model = postNormResidualMlp({ depth: size.depth, width: size.width });
  // The whole remedy is one plugin in the list; without it, stabilize is bit-identical to bare Adam.
  const schedule = id === 'adam-warmup' ? warmup({ steps: size.warmupSteps }) : undefined;
  const optimizer = stabilize(tf.train.adam(size.learningRate), schedule ? [schedule] : [], { model });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  const learningRates: number[] = [];
  for (let step = 0; step < size.steps; step++) {
    const { xs, ys } = standardizedBatch(options.train, step * size.batchSize, size.batchSize);
    const loss = Number(await model.trainOnBatch(xs, ys));
    tf.dispose([xs, ys]);
    losses.push(loss);
    learningRates.push(schedule?.learningRate ?? size.learningRate);
    options.onStep?.(id, step, loss);
  }
  const testAccuracy = await accuracyOn(model, options.test);
  optimizer.dispose();
  model.dispose();
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  return {
    id,
    title: id === 'adam' ? `Adam ${size.learningRate}` : `Adam ${size.learningRate} + warmup({ steps: ${size.warmupSteps} })`,
    losses,
    learningRates,
    finalLoss: tail.reduce((sum, loss) => sum + loss, 0) / tail.length,
    maxLoss: losses.reduce((largest, loss) => (Number.isNaN(loss) || Number.isNaN(largest) ? Number.NaN : Math.max(largest, loss)), 0),
    testAccuracy,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The case where warmup is the fix: a post-norm residual MLP (`postNormResidualMlp`) trained on
 * standardized digits with Adam at a common learning rate, once as is and once with
 * `warmup({ steps })` from `@gs/optim` — same seed, same batches. Without warmup the first Adam
 * steps throw the network into a state it does not recover from within the run (the loss jumps
 * above its starting value and accuracy stays near chance); with the rate ramped up over the
 * first steps it trains.
 */
export async function runWarmupCase(options: WarmupCaseOptions): Promise<WarmupCaseResult> {
  const runs: WarmupRun[] = [];
  for (const id of ['adam', 'adam-warmup'] as const) runs.push(await train(id, options));
  return { size: options.size, runs };
}
