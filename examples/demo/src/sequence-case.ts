import * as tf from '@tensorflow/tfjs';
import { clipGradsByGlobalNorm, globalNorm } from '@gs/clipping';
import { glorotUniform, identity, orthogonal } from '@gs/initializers';
import { seededRandom } from './seeded-random.js';

/**
 * How the recurrent net of the sequence case is built: a tanh RNN whose recurrent matrix has
 * N(0, 1) entries (`normal`, with or without `clipByGlobalNorm`), an orthogonal recurrent matrix, a
 * ReLU RNN with the identity recurrent matrix and N(0, 0.001²) input weights (IRNN, Le et al.
 * 2015), or an LSTM.
 */
export type RecurrentScheme = 'normal' | 'normal-clip' | 'orthogonal' | 'identity-relu' | 'identity-relu-clip' | 'lstm';

/** Every scheme, in report order. */
export const RECURRENT_SCHEMES: readonly RecurrentScheme[] = ['normal', 'normal-clip', 'orthogonal', 'identity-relu', 'identity-relu-clip', 'lstm'];

/** Row titles of the sequence table. */
export const RECURRENT_TITLES: Record<RecurrentScheme, string> = {
  normal: 'tanh RNN, recurrent N(0, 1)',
  'normal-clip': 'tanh RNN, recurrent N(0, 1) + clipByGlobalNorm(1)',
  orthogonal: 'tanh RNN, orthogonal() recurrent',
  'identity-relu': 'ReLU RNN, identity() recurrent (IRNN)',
  'identity-relu-clip': 'ReLU RNN, identity() recurrent (IRNN) + clipByGlobalNorm(1)',
  lstm: 'LSTM (orthogonal recurrent, forget bias 1)',
};

/** Sizes of the sequence case. */
export interface SequencePlan {
  /** Timesteps of the adding problem. */
  timesteps: number;
  /** Hidden units H. */
  units: number;
  steps: number;
  batchSize: number;
  learningRate: number;
}

/** Default: T = 100, 300 Adam steps of 32 sequences (RNN ~1 s/step, LSTM ~4 s/step on 2 busy cores, wasm). */
export const SEQUENCE_PLAN: SequencePlan = { timesteps: 100, units: 32, steps: 300, batchSize: 32, learningRate: 1e-3 };
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
  /** Whether the training loss, gradient norm or test MSE became NaN/Infinity. */
  nonFinite: boolean;
  steps: number;
  seconds: number;
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
function createWeights(scheme: RecurrentScheme, units: number, seed: number): Weights {
  // tidy frees the initial values; the variables keep their own reference to the data.
  return tf.tidy(() => createVariables(scheme, units, seed));
}

function createVariables(scheme: RecurrentScheme, units: number, seed: number): Weights {
  const gates = scheme === 'lstm' ? 4 : 1;
  const normal = (stddev: number) => tf.randomNormal([units, units], 0, stddev, 'float32', seed + 1);
  const recurrent = (() => {
    switch (scheme) {
      case 'normal':
      case 'normal-clip':
        return normal(1);
      case 'orthogonal':
        return orthogonal({ seed: seed + 1 }).apply([units, units]);
      case 'identity-relu':
      case 'identity-relu-clip':
        return identity().apply([units, units]);
      case 'lstm':
        return tf.concat(Array.from({ length: 4 }, (_, gate) => orthogonal({ seed: seed + 1 + gate }).apply([units, units])), 1);
    }
  })();
  const inputKernel =
    scheme.startsWith('identity') ? tf.randomNormal([2, units], 0, 0.001, 'float32', seed) : glorotUniform({ seed }).apply([2, units * gates]);
  // LSTM: forget-gate bias 1 (Jozefowicz et al. 2015); tf.basicLSTMCell takes it as `forgetBias`.
  return {
    input: tf.variable(inputKernel, true, `${scheme}/input`),
    recurrent: tf.variable(recurrent, true, `${scheme}/recurrent`),
    bias: tf.variable(tf.zeros([units * gates]), true, `${scheme}/bias`),
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
  const kernel = scheme === 'lstm' ? (tf.concat([weights.input!, weights.recurrent!], 0) as tf.Tensor2D) : undefined;
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
    return tf.stack(gradients.map((gradient) => tf.norm(gradient)));
  });
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}

/** Trains one recurrent net on the adding problem with Adam (clipping its gradients for the `-clip` schemes). */
export async function runSequenceCase(
  scheme: RecurrentScheme,
  plan: SequencePlan,
  onLoss?: (step: number, loss: number) => void,
): Promise<SequenceRun> {
  const started = performance.now();
  const seed = 1;
  const weights = createWeights(scheme, plan.units, seed);
  const test = addingProblem(512, plan.timesteps, 999);
  const probe = addingProblem(plan.batchSize, plan.timesteps, 998);
  const timestepNorms = await timestepGradientNorms(scheme, weights, probe.xs, probe.ys);
  tf.dispose([probe.xs, probe.ys]);
  const optimizer = tf.train.adam(plan.learningRate);
  const clip = scheme.endsWith('-clip');
  const losses: SequenceRun['losses'] = [];
  const gradientNorms: SequenceRun['gradientNorms'] = [];
  let nonFinite = false;
  for (let step = 0; step < plan.steps; step++) {
    const batch = addingProblem(plan.batchSize, plan.timesteps, 10_000 + step);
    const record = step % 10 === 0 || step === plan.steps - 1;
    const measured = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => mse(predict(scheme, weights, batch.xs), batch.ys), Object.values(weights));
      const norm = clip ? clipGradsByGlobalNorm(grads, 1) : { grads, norm: globalNorm(grads) };
      optimizer.applyGradients(Object.entries(norm.grads).map(([name, tensor]) => ({ name, tensor: tensor! })));
      return record ? tf.stack([value, norm.norm]) : undefined;
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
    timestepGradientNorms: timestepNorms,
    gradientNorms,
    losses,
    testMse,
    nonFinite: nonFinite || !Number.isFinite(testMse),
    steps: losses.at(-1)?.step === undefined ? 0 : losses.at(-1)!.step + 1,
    seconds: (performance.now() - started) / 1000,
  };
}
