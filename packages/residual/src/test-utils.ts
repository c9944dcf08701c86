// Helpers for this package's tests (candidates for @gs/testing): MNIST digits and per-block
// gradient norms.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';

interface MnistDigit {
  set(start: number, end: number): Array<{ input: number[]; output: number[] }>;
}
const mnist = createRequire(import.meta.url)('mnist') as MnistDigit[];

/**
 * `perDigit` samples of each digit 0–9 starting at sample `start` of each digit, interleaved
 * (0,1,…,9,0,1,…) — deterministic, unlike `mnist.set`, which shuffles with Math.random.
 * xs: [10·perDigit, 784] in [0, 1]; ys: one-hot [10·perDigit, 10].
 */
export function mnistDigits(perDigit: number, start = 0): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const byDigit = Array.from({ length: 10 }, (_, digit) => mnist[digit]!.set(start, start + perDigit - 1));
  const inputs: number[][] = [];
  const outputs: number[][] = [];
  for (let i = 0; i < perDigit; i++) {
    for (let digit = 0; digit < 10; digit++) {
      inputs.push(byDigit[digit]![i]!.input);
      outputs.push(byDigit[digit]![i]!.output);
    }
  }
  return { xs: tf.tensor2d(inputs), ys: tf.tensor2d(outputs) };
}

/**
 * The L2 norm of the gradient of every block's branch kernels (layers named
 * `block<i>_branch<j>`), for the categorical cross-entropy of `model` on (xs, ys), read back with
 * one async `data()`. Index i is block i.
 */
export async function blockKernelGradientNorms(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<number[]> {
  const kernelsByBlock = new Map<number, tf.Variable[]>();
  for (const layer of model.layers) {
    const match = /block(\d+)_branch\d+$/.exec(layer.name);
    if (!match) continue;
    const block = Number(match[1]);
    const kernels = layer.weights.filter((w) => w.originalName.endsWith('kernel')).map((w) => w.read() as tf.Variable);
    kernelsByBlock.set(block, [...(kernelsByBlock.get(block) ?? []), ...kernels]);
  }
  const blocks = [...kernelsByBlock.keys()].sort((a, b) => a - b);
  const norms = tf.tidy(() => {
    const { grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
      blocks.flatMap((b) => kernelsByBlock.get(b)!),
    );
    return tf.stack(
      blocks.map((b) => tf.sqrt(tf.addN(kernelsByBlock.get(b)!.map((v) => tf.sum(tf.square(grads[v.name]!)))))),
    );
  });
  const values = Array.from(await norms.data());
  norms.dispose();
  return values;
}

/** Saves a model to memory and loads it back (shared helper). */
export { saveAndLoad } from '@gs/testing';

/** A one-layer functional model `input [features] → layer`, for checking a single layer. */
export function singleLayerModel(layer: tf.layers.Layer, features: number): tf.LayersModel {
  const input = tf.input({ shape: [features] });
  return tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
}
