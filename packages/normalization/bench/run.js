// Forward + backward time of groupNormalization and rmsNormalization (and this package's
// layerNormalization) against tfjs's own tf.layers.layerNormalization, on the same input shape,
// per backend, measured interleaved in one run. Run with `npm run bench -w @gs/normalization`
// after a build. GS_BACKENDS=wasm narrows the backends (default: wasm and webgpu when available).
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, printStepTimes } from '@gs/testing/bench';
import { groupNormalization, layerNormalization, rmsNormalization } from '@gs/normalization';

// NHWC, 65,536 values. Layer and RMS norm normalize each pixel's 32 channels; group norm each
// sample's 16 groups of 2 channels × 16×16 pixels (same number of values in, same work per value).
const shape = [8, 16, 16, 32];
const wanted = (process.env.GS_BACKENDS ?? 'wasm,webgpu').split(',');

for (const backend of (await availableBackends()).filter((b) => wanted.includes(b))) {
  await setupBackend(backend);
  const x = tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 1), true, `bench_x_${backend}`);
  const upstream = tf.randomNormal(shape, 0, 1, 'float32', 2);
  const variant = (name, layer) => {
    layer.build(shape);
    const variables = [x, ...layer.trainableWeights.map((w) => w.read())];
    return {
      name,
      step: () =>
        tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }), upstream)), variables);
          // Fold everything into one scalar so the timer's readback waits for all of it.
          return tf.addN([value, ...Object.values(grads).map((g) => tf.sum(g))]);
        }),
    };
  };
  const timings = await compareStepTimes(
    [
      variant('tf.layers.layerNormalization (baseline)', tf.layers.layerNormalization({ axis: -1 })),
      variant('layerNormalization (@gs)', layerNormalization()),
      variant('groupNormalization({groups: 16})', groupNormalization({ groups: 16 })),
      variant('rmsNormalization()', rmsNormalization()),
    ],
    // tfjs's layerNormalization takes seconds per step here (see README), so keep rounds small.
    { rounds: 7, stepsPerRound: 2, warmupRounds: 1 },
  );
  printStepTimes(`forward+backward [${backend}] input ${JSON.stringify(shape)}, normalize over channels`, timings);
  tf.dispose([x, upstream]);
}
process.exit(0);
