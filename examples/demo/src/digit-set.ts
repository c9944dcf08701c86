import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffleInPlace } from './seeded-random.js';

/** Pixels per digit image (28 × 28). */
export const PIXELS = 784;
/** Number of digit classes. */
export const CLASSES = 10;

/** A set of digit images as flat host arrays: `images` holds `count × 784` values in [0, 1]. */
export interface DigitSet {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** A training and a test set drawn from disjoint images. */
export interface DigitSplit {
  train: DigitSet;
  test: DigitSet;
}

/** Options for `splitDigits`. */
export interface SplitOptions {
  /** Training images (taken evenly across the ten classes). */
  train: number;
  /** Test images (evenly across classes, disjoint from the training ones). */
  test: number;
  /** Seed of the shuffle. Default 1. */
  seed?: number;
}

/**
 * Builds a balanced, shuffled train/test split from per-class raw pixel arrays (the layout the
 * `mnist` package ships: one flat array of 784-pixel images per digit). The first images of each
 * class go to training, the next ones to test, so the two sets never share an image.
 */
export function splitDigits(pixelsByClass: readonly ArrayLike<number>[], options: SplitOptions): DigitSplit {
  const { train, test, seed = 1 } = options;
  if (pixelsByClass.length !== CLASSES) {
    throw new Error(`splitDigits: expected ${CLASSES} classes of digits, got ${pixelsByClass.length}`);
  }
  const perClassTrain = Math.ceil(train / CLASSES);
  const perClassTest = Math.ceil(test / CLASSES);
  for (const [digit, pixels] of pixelsByClass.entries()) {
    const available = Math.floor(pixels.length / PIXELS);
    if (perClassTrain + perClassTest > available) {
      throw new Error(
        `splitDigits: train ${train} + test ${test} needs ${perClassTrain + perClassTest} images of digit ${digit}, only ${available} exist`,
      );
    }
  }
  const random = seededRandom(seed);
  const pick = (offset: number, perClass: number, count: number): DigitSet => {
    const refs: Array<[number, number]> = [];
    for (let digit = 0; digit < CLASSES; digit++) {
      for (let i = 0; i < perClass; i++) refs.push([digit, offset + i]);
    }
    shuffleInPlace(refs, random);
    const chosen = refs.slice(0, count);
    const images = new Float32Array(chosen.length * PIXELS);
    const labels = new Int32Array(chosen.length);
    chosen.forEach(([digit, index], row) => {
      const pixels = pixelsByClass[digit]!;
      for (let p = 0; p < PIXELS; p++) images[row * PIXELS + p] = pixels[index * PIXELS + p]!;
      labels[row] = digit;
    });
    return { images, labels, count: chosen.length };
  };
  return { train: pick(0, perClassTrain, train), test: pick(perClassTrain, perClassTest, test) };
}

/** Rows `[start, start + size)` of a digit set (wrapping around) as tensors: images and one-hot labels. */
export function digitBatch(set: DigitSet, start: number, size: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const images = new Float32Array(size * PIXELS);
  const labels = new Int32Array(size);
  for (let row = 0; row < size; row++) {
    const source = (start + row) % set.count;
    images.set(set.images.subarray(source * PIXELS, (source + 1) * PIXELS), row * PIXELS);
    labels[row] = set.labels[source]!;
  }
  return tf.tidy(() => ({
    xs: tf.tensor2d(images, [size, PIXELS]),
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES).toFloat() as tf.Tensor2D,
  }));
}
