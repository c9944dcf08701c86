import * as tf from '@tensorflow/tfjs';
import { clipGradsByGlobalNorm } from '@gs/clipping';
import { glorotUniform, identity, orthogonal } from '@gs/initializers';
import { scaledNorm } from './gradient-norms-recorder.js';
import { seededRandom } from './seeded-random.js';

/**
 * How the recurrent net of the sequence case is built: a tanh RNN whose recurrent matrix has
 * N(0, 1) entries (`normal`: the gradient overflows float32), N(0, σ²/H) entries with σ² =
 * `CHAOTIC_SIGMA_W2` (`chaotic`: the gradient explodes by orders of magnitude but stays finite,
 * with or without `clipByGlobalNorm`), an orthogonal recurrent matrix, a ReLU RNN with the identity
 * recurrent matrix and N(0, 0.001²) input weights (IRNN, Le et al. 2015), an LSTM with forget bias 1,
 * or an LSTM with chrono initialization (forget-gate time constants spread over 1 … T).
 */
export type RecurrentScheme = 'normal' | 'chaotic' | 'chaotic-clip' | 'orthogonal' | 'identity-relu' | 'lstm' | 'lstm-chrono';

/** Every scheme, in report order. */
export const RECURRENT_SCHEMES: readonly RecurrentScheme[] = ['normal', 'chaotic', 'chaotic-clip', 'orthogonal', 'identity-relu', 'lstm', 'lstm-chrono'];

/** σ_w² of the `chaotic` recurrent matrix N(0, σ_w²/H): spectral radius ≈ 2.8; over T = 100 the gradient reaching t = 1 is ~1e10 times the one at t = T (measured), finite. */
export const CHAOTIC_SIGMA_W2 = 8;

/** Global-norm threshold of `chaotic-clip`. */
export const SEQUENCE_CLIP_NORM = 1;

/** Row titles of the sequence table. */
export const RECURRENT_TITLES: Record<RecurrentScheme, string> = {
  normal: 'tanh RNN, recurrent N(0, 1)',
  chaotic: `tanh RNN, recurrent N(0, ${CHAOTIC_SIGMA_W2}/H)`,
  'chaotic-clip': `tanh RNN, recurrent N(0, ${CHAOTIC_SIGMA_W2}/H) + clipByGlobalNorm(${SEQUENCE_CLIP_NORM})`,
  orthogonal: 'tanh RNN, orthogonal() recurrent',
  'identity-relu': 'ReLU RNN, identity() recurrent (IRNN)',
  lstm: 'LSTM (orthogonal recurrent, forget bias 1)',
  'lstm-chrono': 'LSTM, chrono init (forget bias log U(1, T − 1))',
};

/** The optimizer of one scheme. */
export interface SequenceOptimizer {
  optimizer: 'sgd' | 'adam';
  learningRate: number;
}

/**
 * Optimizer per scheme. The N(0, σ²/H) pair trains with plain SGD, the setting of Pascanu et al.
 * 2013: SGD's step is proportional to the gradient, so an exploding gradient is an exploding step,
 * and clipping is what bounds it (Adam divides the scale out and would hide the difference).
 * The others use Adam; rates chosen from short trial runs (T = 100, H = 32, batch 64).
 */
export const SEQUENCE_OPTIMIZERS: Record<RecurrentScheme, SequenceOptimizer> = {
  normal: { optimizer: 'adam', learningRate: 1e-3 },
  chaotic: { optimizer: 'sgd', learningRate: 0.1 },
  'chaotic-clip': { optimizer: 'sgd', learningRate: 0.1 },
  orthogonal: { optimizer: 'adam', learningRate: 1e-3 },
  'identity-relu': { optimizer: 'adam', learningRate: 1e-4 },
  lstm: { optimizer: 'adam', learningRate: 1e-2 },
  'lstm-chrono': { optimizer: 'adam', learningRate: 1e-2 },
};

/** Sizes of the sequence case. */
export interface SequencePlan {
  /** Timesteps of the adding problem. */
  timesteps: number;
  /** Hidden units H. */
  units: number;
  steps: number;
  batchSize: number;
}

/** Default: T = 100, 600 steps of 64 sequences. */
export const SEQUENCE_PLAN: SequencePlan = { timesteps: 100, units: 32, steps: 600, batchSize: 64 };
/** `--full`: 2000 steps. */
export const FULL_SEQUENCE_PLAN: SequencePlan = { ...SEQUENCE_PLAN, steps: 2000 };

/** What one sequence run measured. */
export interface SequenceRun {
  scheme: RecurrentScheme;
  title: string;
  /** ‖∂L/∂h_t‖ at init for t = 1 … T (the "per-layer" picture: each timestep is a layer of the unrolled net). */
  timestepGradientNorms: number[];
  /** Global gradient norm (before clipping) every 10 steps. */
  gradientNorms: Array<{ step: number; norm: number }>;
  /** Training MSE every 10 steps. */
  losses: Array<{ step: number; loss: number }>;
  /** MSE on 512 held-out sequences (predicting the mean scores 1/6 ≈ 0.167). */
  testMse: number;
  optimizer: SequenceOptimizer['optimizer'];
  learningRate: number;
  /** Whether the training loss, gradient norm or test MSE became NaN/Infinity. */
  nonFinite: boolean;
  steps: number;
  seconds: number;
}

/** Runs of several sequence-section invocations in report order: a fresh run replaces the earlier one of its scheme. */
export function mergeSequenceRuns(earlier: readonly SequenceRun[], fresh: readonly SequenceRun[]): SequenceRun[] {
  const byScheme = new Map(earlier.map((run) => [run.scheme, run]));
  for (const run of fresh) byScheme.set(run.scheme, run);
  return RECURRENT_SCHEMES.flatMap((scheme) => byScheme.get(scheme) ?? []);
}

/**
 * The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): T steps of two channels —
 * a value U(0, 1) and a marker that is 1 at exactly two steps (one in each half) — and the target
 * is the sum of the two marked values. Seeded.
 */
export function addingProblem(count: number, timesteps: number, seed: number): { xs: tf.Tensor3D; ys: tf.Tensor2D } {
  const random = seededRandom(seed);
  const inputs = new Float32Array(count * timesteps * 2);
  const targets = new Float32Array(count);
  const half = Math.floor(timesteps / 2);
  for (let n = 0; n < count; n++) {
    const first = Math.floor(random() * half);
    const second = half + Math.floor(random() * (timesteps - half));
    for (let t = 0; t < timesteps; t++) {
      const value = random();
      const offset = (n * timesteps + t) * 2;
      inputs[offset] = value;
      if (t === first || t === second) {
        inputs[offset + 1] = 1;
        targets[n]! += value;
      }
    }
  }
  return { xs: tf.tensor3d(inputs, [count, timesteps, 2]), ys: tf.tensor2d(targets, [count, 1]) };
}

type Weights = Record<string, tf.Variable>;

/** The net's weights: input kernel (Xavier), recurrent kernel by scheme, bias, linear read-out. */
function createWeights(scheme: RecurrentScheme, units: number, timesteps: number, seed: number): Weights {
  // tidy frees the initial values; the variables keep their own reference to the data.
  return tf.tidy(() => createVariables(scheme, units, timesteps, seed));
}

/**
 * The LSTM bias [input, cell, forget, output] with chrono initialization (Tallec & Ollivier 2018):
 * forget-gate bias log(u), u ~ U(1, T − 1), so the gates start with memory time constants spread
 * over 1 … T, and input-gate bias −log(u). `tf.basicLSTMCell` adds its `forgetBias` (1) on top,
 * so the forget slice holds log(u) − 1.
 */
export function chronoBias(units: number, timesteps: number, seed: number): tf.Tensor1D {
  const random = seededRandom(seed);
  const logs = Array.from({ length: units }, () => Math.log(1 + random() * (timesteps - 2)));
  const zeros = new Array<number>(units).fill(0);
  return tf.tensor1d([...logs.map((log) => -log), ...zeros, ...logs.map((log) => log - 1), ...zeros]);
}

function createVariables(scheme: RecurrentScheme, units: number, timesteps: number, seed: number): Weights {
  const lstm = scheme.startsWith('lstm');
  const gates = lstm ? 4 : 1;
  const normal = (stddev: number) => tf.randomNormal([units, units], 0, stddev, 'float32', seed + 1);
  const recurrent = (() => {
    switch (scheme) {
      case 'normal':
        return normal(1);
      case 'chaotic':
      case 'chaotic-clip':
        return normal(Math.sqrt(CHAOTIC_SIGMA_W2 / units));
      case 'orthogonal':
        return orthogonal({ seed: seed + 1 }).apply([units, units]);
      case 'identity-relu':
        return identity().apply([units, units]);
      case 'lstm':
      case 'lstm-chrono':
        return tf.concat(Array.from({ length: 4 }, (_, gate) => orthogonal({ seed: seed + 1 + gate }).apply([units, units])), 1);
    }
  })();
  const inputKernel =
    scheme.startsWith('identity') ? tf.randomNormal([2, units], 0, 0.001, 'float32', seed) : glorotUniform({ seed }).apply([2, units * gates]);
  // LSTM: forget-gate bias 1 (Jozefowicz et al. 2015); tf.basicLSTMCell takes it as `forgetBias`.
  const bias = scheme === 'lstm-chrono' ? chronoBias(units, timesteps, seed + 7) : tf.zeros([units * gates]);
  return {
    input: tf.variable(inputKernel, true, `${scheme}/input`),
    recurrent: tf.variable(recurrent, true, `${scheme}/recurrent`),
    bias: tf.variable(bias, true, `${scheme}/bias`),
    readout: tf.variable(glorotUniform({ seed: seed + 9 }).apply([units, 1]), true, `${scheme}/readout`),
    readoutBias: tf.variable(tf.zeros([1]), true, `${scheme}/readoutBias`),
  };
}

/**
 * Unrolls the net over the sequence and returns the prediction; `perturb[t]` (zeros) is added to
 * h_t so that ∂L/∂perturb[t] = ∂L/∂h_t.
 */
function predict(scheme: RecurrentScheme, weights: Weights, xs: tf.Tensor3D, perturb?: tf.Tensor[]): tf.Tensor {
  const [batch, timesteps] = xs.shape;
  const units = weights.readout!.shape[0]!;
  let h: tf.Tensor = tf.zeros([batch, units]);
  let c: tf.Tensor = tf.zeros([batch, units]);
  const steps = tf.unstack(xs, 1);
  const kernel = scheme.startsWith('lstm') ? (tf.concat([weights.input!, weights.recurrent!], 0) as tf.Tensor2D) : undefined;
  for (let t = 0; t < timesteps; t++) {
    if (kernel) {
      [c, h] = tf.basicLSTMCell(1, kernel, weights.bias as tf.Tensor1D, steps[t] as tf.Tensor2D, c as tf.Tensor2D, h as tf.Tensor2D);
    } else {
      const preActivation = tf.add(tf.add(tf.matMul(steps[t]!, weights.input!), tf.matMul(h, weights.recurrent!)), weights.bias!);
      h = scheme.startsWith('identity') ? tf.relu(preActivation) : tf.tanh(preActivation);
    }
    if (perturb) h = tf.add(h, perturb[t]!);
  }
  return tf.add(tf.matMul(h, weights.readout!), weights.readoutBias!);
}

const mse = (prediction: tf.Tensor, ys: tf.Tensor) => tf.mean(tf.square(tf.sub(prediction, ys))) as tf.Scalar;

/** ‖∂L/∂h_t‖ for every t on one batch, at the current weights (one backward pass). */
async function timestepGradientNorms(scheme: RecurrentScheme, weights: Weights, xs: tf.Tensor3D, ys: tf.Tensor2D): Promise<number[]> {
  const norms = tf.tidy(() => {
    const units = weights.readout!.shape[0]!;
    const zeros = Array.from({ length: xs.shape[1] }, () => tf.zeros([xs.shape[0], units]));
    const gradients = tf.grads((...perturb: tf.Tensor[]) => mse(predict(scheme, weights, xs, perturb), ys))(zeros);
    return tf.stack(gradients.map((gradient) => scaledNorm(gradient)));
  });
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}

/** Trains one recurrent net on the adding problem with its scheme's optimizer (clipping its gradients for `chaotic-clip`). */
export async function runSequenceCase(
  scheme: RecurrentScheme,
  plan: SequencePlan,
  onLoss?: (step: number, loss: number) => void,
  settings: SequenceOptimizer = SEQUENCE_OPTIMIZERS[scheme],
): Promise<SequenceRun> {
  const started = performance.now();
  const seed = 1;
  const weights = createWeights(scheme, plan.units, plan.timesteps, seed);
  const test = addingProblem(512, plan.timesteps, 999);
  const probe = addingProblem(plan.batchSize, plan.timesteps, 998);
  const timestepNorms = await timestepGradientNorms(scheme, weights, probe.xs, probe.ys);
  tf.dispose([probe.xs, probe.ys]);
  const optimizer = settings.optimizer === 'adam' ? tf.train.adam(settings.learningRate) : tf.train.sgd(settings.learningRate);
  const clip = scheme === 'chaotic-clip';
  const losses: SequenceRun['losses'] = [];
  const gradientNorms: SequenceRun['gradientNorms'] = [];
  let nonFinite = false;
  for (let step = 0; step < plan.steps; step++) {
    const batch = addingProblem(plan.batchSize, plan.timesteps, 10_000 + step);
    const record = step % 10 === 0 || step === plan.steps - 1;
    const measured = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => mse(predict(scheme, weights, batch.xs), batch.ys), Object.values(weights));
      // The recorded norm without float32 overflow (squares of entries above ~1.8e19 overflow, so
      // globalNorm — and the clipping scale computed from it — sees Infinity).
      const norm = scaledNorm(tf.stack(Object.values(grads).map((gradient) => scaledNorm(gradient))));
      const applied = clip ? clipGradsByGlobalNorm(grads, SEQUENCE_CLIP_NORM).grads : grads;
      optimizer.applyGradients(Object.entries(applied).map(([name, tensor]) => ({ name, tensor: tensor! })));
      return record ? tf.stack([value, norm]) : undefined;
    });
    tf.dispose([batch.xs, batch.ys]);
    if (measured) {
      const [loss, norm] = await measured.data();
      measured.dispose();
      losses.push({ step, loss: loss! });
      gradientNorms.push({ step, norm: norm! });
      onLoss?.(step, loss!);
      if (!Number.isFinite(norm!)) nonFinite = true;
      if (!Number.isFinite(loss!)) {
        nonFinite = true;
        break;
      }
    }
  }
  const testLoss = tf.tidy(() => mse(predict(scheme, weights, test.xs), test.ys));
  const testMse = (await testLoss.data())[0]!;
  tf.dispose([testLoss, test.xs, test.ys, ...Object.values(weights)]);
  optimizer.dispose();
  return {
    scheme,
    title: RECURRENT_TITLES[scheme],
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    timestepGradientNorms: timestepNorms,
    gradientNorms,
    losses,
    testMse,
    nonFinite: nonFinite || !Number.isFinite(testMse),
    steps: losses.at(-1)?.step === undefined ? 0 : losses.at(-1)!.step + 1,
    seconds: (performance.now() - started) / 1000,
  };
}
