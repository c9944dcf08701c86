import * as tf from '@tensorflow/tfjs';
import { CLASSES, PIXELS, type DigitSet, type DigitSplit } from './digit-set.js';

/** Digits on the device, standardized with the training set's pixel mean and standard deviation. */
export interface DigitTensors {
  trainImages: tf.Tensor2D;
  trainLabels: tf.Tensor2D;
  testImages: tf.Tensor2D;
  testLabels: tf.Tensor1D;
  dispose(): void;
}

/**
 * Uploads a digit split once, with every pixel standardized by the training set's global mean and
 * standard deviation (x − 0.13)/0.31 → mean 0, variance 1 over all pixels: the input variance the
 * mean-field analysis assumes for the first layer (q¹ ≈ σ_w²). Raw [0, 1] pixels would start every
 * deep net from a 10× smaller, off-centre signal.
 */
export function uploadDigits(split: DigitSplit): DigitTensors {
  const { train, test } = split;
  let sum = 0;
  for (const value of train.images) sum += value;
  const mean = sum / train.images.length;
  let squares = 0;
  for (const value of train.images) squares += (value - mean) ** 2;
  const std = Math.sqrt(squares / train.images.length);
  const standardize = (set: DigitSet) => tf.tensor2d(set.images.map((value) => (value - mean) / std), [set.count, PIXELS]);
  const tensors = tf.tidy(() => ({
    trainImages: standardize(train),
    trainLabels: tf.oneHot(tf.tensor1d(train.labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D,
    testImages: standardize(test),
    testLabels: tf.tensor1d(test.labels, 'int32'),
  }));
  return { ...tensors, dispose: () => tf.dispose(Object.values(tensors)) };
}

/** Options of `trainClassifier`. */
export interface ClassifierTrainingOptions {
  steps: number;
  batchSize: number;
  /** Read the loss back every `lossEvery` steps (one async read, not awaited in between). Default 10. */
  lossEvery?: number;
  /** Called with each loss read back. */
  onLoss?: (step: number, loss: number) => void;
  /** Measure test accuracy every `evaluateEvery` steps as well as at the end. Default: only at the end. */
  evaluateEvery?: number;
}

/** What `trainClassifier` measured. */
export interface ClassifierTrainingResult {
  /** Training loss at every `lossEvery`-th step. */
  losses: Array<{ step: number; loss: number }>;
  /** Mean of the last 5 recorded losses (NaN if any is NaN). */
  finalLoss: number;
  /** Accuracy on the test digits after training. */
  testAccuracy: number;
  /** Test accuracy after `step` training steps, every `evaluateEvery` steps and at the end. */
  accuracies: Array<{ step: number; accuracy: number }>;
  seconds: number;
}

/** Fraction of test digits the model classifies correctly (chunks of 500, one read each). */
export async function testAccuracy(model: tf.LayersModel, data: DigitTensors): Promise<number> {
  const count = data.testImages.shape[0];
  let correct = 0;
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    const hits = tf.tidy(() => {
      const predicted = (model.predict(data.testImages.slice(start, size)) as tf.Tensor).argMax(-1);
      return tf.sum(tf.cast(tf.equal(predicted, data.testLabels.slice(start, size)), 'float32'));
    });
    correct += (await hits.data())[0]!;
    hits.dispose();
  }
  return correct / count;
}

/**
 * Trains a digit classifier with softmax cross-entropy and a plain tfjs optimizer, cycling through
 * the training digits in order, then measures test accuracy. The loss is read back every
 * `lossEvery` steps only (the depth records and the atlas train hundreds of nets; a read per step
 * would stall each one).
 */
export async function trainClassifier(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  data: DigitTensors,
  options: ClassifierTrainingOptions,
): Promise<ClassifierTrainingResult> {
  const started = performance.now();
  const { steps, batchSize, lossEvery = 10 } = options;
  const count = data.trainImages.shape[0];
  const losses: Array<{ step: number; loss: number }> = [];
  const accuracies: Array<{ step: number; accuracy: number }> = [];
  for (let step = 0; step < steps; step++) {
    const start = (step * batchSize) % Math.max(1, count - batchSize);
    const record = step % lossEvery === 0 || step === steps - 1;
    const loss = optimizer.minimize(
      () =>
        tf.tidy(() =>
          tf.losses.softmaxCrossEntropy(
            data.trainLabels.slice(start, batchSize),
            model.apply(data.trainImages.slice(start, batchSize), { training: true }) as tf.Tensor,
          ),
        ) as tf.Scalar,
      record,
    );
    if (loss) {
      const value = (await loss.data())[0]!;
      loss.dispose();
      losses.push({ step, loss: value });
      options.onLoss?.(step, value);
      if (!Number.isFinite(value)) break;
    }
    if (options.evaluateEvery && (step + 1) % options.evaluateEvery === 0 && step + 1 < steps) {
      accuracies.push({ step: step + 1, accuracy: await testAccuracy(model, data) });
    }
  }
  const tail = losses.slice(-5);
  const finalLoss = tail.reduce((sum, point) => sum + point.loss, 0) / Math.max(1, tail.length);
  const final = await testAccuracy(model, data);
  accuracies.push({ step: losses.at(-1)!.step + 1, accuracy: final });
  return { losses, finalLoss, testAccuracy: final, accuracies, seconds: (performance.now() - started) / 1000 };
}
