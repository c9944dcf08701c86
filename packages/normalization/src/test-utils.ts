// Test-only helpers (excluded from the build). `expectLayerGoldens` and `layerOutputAndGradients`
// could move to @gs/testing if other layer packages need them.
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '@gs/testing';

/** Forward output and gradients of `L = sum(layer(x) · r)` w.r.t. `x` and each trainable weight. */
export async function layerOutputAndGradients(
  makeLayer: () => tf.layers.Layer,
  x: tf.Tensor,
  r: tf.Tensor,
  { training = false, weights }: { training?: boolean; weights?: tf.Tensor[] } = {},
): Promise<{ y: number[]; dx: number[]; dWeights: number[][]; layer: tf.layers.Layer }> {
  const prepare = () => {
    const layer = makeLayer();
    layer.build(x.shape);
    if (weights) layer.setWeights(weights);
    return layer;
  };
  const forward = prepare();
  const y = tf.tidy(() => forward.apply(x, { training }) as tf.Tensor);
  const gradientLayer = prepare();
  const lossOf = (input: tf.Tensor) => tf.sum(tf.mul(gradientLayer.apply(input, { training }) as tf.Tensor, r)) as tf.Scalar;
  const dx = tf.grad(lossOf)(x);
  const weightLayer = prepare();
  const variables = weightLayer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } =
    variables.length === 0
      ? { value: tf.scalar(0), grads: {} as tf.NamedTensorMap }
      : tf.variableGrads(() => tf.sum(tf.mul(weightLayer.apply(x, { training }) as tf.Tensor, r)) as tf.Scalar, variables);
  const dWeights = await Promise.all(variables.map(async (v) => Array.from(await grads[v.name]!.data())));
  const result = { y: Array.from(await y.data()), dx: Array.from(await dx.data()), dWeights, layer: forward };
  tf.dispose([y, dx, value, ...Object.values(grads)]);
  disposeLayerWeights(gradientLayer);
  disposeLayerWeights(weightLayer);
  return result;
}

/** Expects the output and gradients of `layerOutputAndGradients` to match golden values. */
export async function expectLayerGoldens(
  actual: { y: number[]; dx: number[]; dWeights: number[][] },
  expected: { y: number[]; dx?: number[]; dWeights?: number[][] },
  tolerance = { rtol: 1e-4, atol: 1e-5 },
): Promise<void> {
  await expectClose(actual.y, expected.y, tolerance);
  if (expected.dx) await expectClose(actual.dx, expected.dx, tolerance);
  if (expected.dWeights) {
    for (const [i, golden] of expected.dWeights.entries()) await expectClose(actual.dWeights[i]!, golden, tolerance);
  }
}

/** Frees a layer's weights (tfjs's `Layer.dispose` refuses layers only ever applied eagerly). */
export function disposeLayerWeights(layer: tf.layers.Layer): void {
  for (const weight of layer.weights) weight.dispose();
}
