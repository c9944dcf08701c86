// Copied into each scratch project by scripts/install-test.mjs: small helpers for the fit scripts.
import * as tf from '@tensorflow/tfjs';

/** Throws `message` unless `condition` holds. */
export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/** A fixed regression problem: y = x·w + noise, 64 rows of `inputs` features (seeded). */
export function regressionData(inputs = 8, rows = 64) {
  const xs = tf.randomNormal([rows, inputs], 0, 1, 'float32', 11);
  const w = tf.randomNormal([inputs, 1], 0, 1, 'float32', 12);
  const ys = tf.tidy(() => xs.matMul(w).add(tf.randomNormal([rows, 1], 0, 0.01, 'float32', 13)));
  w.dispose();
  return { xs, ys };
}

/** Fits `model` and returns the first and last epoch's loss; asserts both are finite and it learned. */
export async function fitAndCheck(model, xs, ys, { epochs = 8, batchSize = 16 } = {}) {
  const history = await model.fit(xs, ys, { epochs, batchSize, shuffle: false, verbose: 0 });
  const losses = history.history.loss.map(Number);
  assert(losses.every(Number.isFinite), `every epoch loss is finite (${losses.join(', ')})`);
  assert(losses.at(-1) < losses[0], `loss went down: ${losses[0]} → ${losses.at(-1)}`);
  return { first: losses[0], last: losses.at(-1) };
}

/** Runs the fit script body on the backend named in argv[2]; prints one JSON line, exits 0/1. */
export async function runInstallTest(body) {
  const backend = process.argv[2] ?? 'cpu';
  try {
    const { setupBackend } = await import('./setup-backend.mjs');
    await setupBackend(backend);
    const details = await body(backend);
    console.log(JSON.stringify({ ok: true, backend: tf.getBackend(), tfjs: tf.version.tfjs, ...details }));
    process.exit(0);
  } catch (error) {
    console.log(JSON.stringify({ ok: false, backend, error: String(error?.stack ?? error) }));
    process.exit(1);
  }
}

/** A small seeded MLP regressor: 8 → 16 (relu) → 1. */
export function smallModel(seed = 1) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return model;
}

/** The global L2 norm of the MSE gradients of `model` on (xs, ys), computed by hand with tf.grads. */
export async function globalGradientNorm(model, xs, ys) {
  const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(ys, model.predict(xs)), model.trainableWeights.map((w) => w.val));
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const [result] = await norm.data();
  tf.dispose([value, norm, ...Object.values(grads)]);
  return result;
}

/** Saves `model` to memory and loads it back (needs every custom class registered). */
export async function saveAndLoad(model) {
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** The largest absolute difference between two tensors (read asynchronously). */
export async function maxDifference(a, b) {
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
  const [value] = await difference.data();
  difference.dispose();
  return value;
}
