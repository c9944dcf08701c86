import * as tf from '@tensorflow/tfjs';

/** The tfjs Initializer type (the class itself is not exported). */
type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** Options for `buildMlp`. */
export interface MlpOptions {
  inputSize: number;
  /** Number of hidden Dense layers. */
  depth: number;
  width: number;
  activation?: string;
  kernelInitializer?: string | Initializer;
  outputUnits?: number;
  outputActivation?: string;
  /** Seeds `glorotNormal` so the weights are the same in every run (ignored when kernelInitializer is given). */
  seed?: number;
}

/** A Sequential MLP: `depth` hidden Dense layers of `width`, then an output Dense layer. */
export function buildMlp({
  inputSize,
  depth,
  width,
  activation = 'relu',
  kernelInitializer,
  outputUnits = 1,
  outputActivation = 'linear',
  seed = 1,
}: MlpOptions): tf.Sequential {
  const model = tf.sequential();
  const init = (i: number) => kernelInitializer ?? tf.initializers.glorotNormal({ seed: seed + i });
  for (let i = 0; i < depth; i++) {
    model.add(
      tf.layers.dense({
        units: width,
        activation: activation as 'relu',
        kernelInitializer: init(i) as Initializer,
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    );
  }
  model.add(
    tf.layers.dense({
      units: outputUnits,
      activation: outputActivation as 'linear',
      kernelInitializer: init(depth) as Initializer,
      ...(depth === 0 ? { inputShape: [inputSize] } : {}),
    }),
  );
  return model;
}

/** A deterministic regression set: x uniform in [-1, 1), y = sum of sin(x_j · (j+1)). */
export function regressionData(samples: number, features: number, seed = 7): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.randomUniform([samples, features], -1, 1, 'float32', seed) as tf.Tensor2D;
    const frequencies = tf.range(1, features + 1);
    const ys = tf.sum(tf.sin(tf.mul(xs, frequencies)), 1, true) as tf.Tensor2D;
    return { xs, ys };
  });
}

/** A deterministic classification set: `classes` Gaussian blobs in `features` dimensions, one-hot labels. */
export function classificationData(
  samples: number,
  features: number,
  classes: number,
  seed = 11,
): { xs: tf.Tensor2D; ys: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const centers = tf.randomNormal([classes, features], 0, 2, 'float32', seed);
    const labels = tf.cast(tf.floor(tf.mul(tf.randomUniform([samples], 0, 1, 'float32', seed + 1), classes)), 'int32') as tf.Tensor1D;
    const xs = tf.add(tf.gather(centers, labels), tf.randomNormal([samples, features], 0, 1, 'float32', seed + 2)) as tf.Tensor2D;
    const ys = tf.oneHot(labels, classes).toFloat() as tf.Tensor2D;
    return { xs, ys, labels };
  });
}

/** Copies of a model's weights as plain arrays (async, so it works on every backend). */
export async function readWeights(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (weight) => (await weight.data()) as Float32Array));
}

/**
 * Saves `model` to memory and loads it back with `tf.loadLayersModel` (every custom class must be
 * registered). With `includeOptimizer`, the compiled optimizer's config and state go along.
 */
export async function saveAndLoad(model: tf.LayersModel, { includeOptimizer = false }: { includeOptimizer?: boolean } = {}): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer },
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}
