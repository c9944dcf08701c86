// Step-time overhead of stabilize(): the bare optimizer vs stabilize(optimizer, []) vs a plugin
// that records two values every step, on a 20-layer 256-wide sigmoid MLP (batch 128), per backend.
// Run with `npm run bench` (after a build). GS_BACKENDS=cpu,wasm narrows the backends.
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, mlpStepVariants, printStepTimes } from '@gs/testing/bench';
import { stabilize } from '@gs/core';

const recorder = {
  name: 'recorder',
  transformGradients(grads, ctx) {
    const norms = Object.values(grads).map((g) => tf.norm(g));
    ctx.record('perParam', tf.stack(norms));
    ctx.record('global', tf.norm(tf.stack(norms)));
  },
  onReport() {},
};

const sizes = { cpu: { depth: 6, width: 64 }, wasm: { depth: 20, width: 256 }, webgpu: { depth: 20, width: 256 } };

for (const backend of await availableBackends()) {
  await setupBackend(backend);
  const { depth, width } = sizes[backend];
  const variant = mlpStepVariants({ depth, width });
  const timings = await compareStepTimes(
    [
      variant('bare sgd', () => tf.train.sgd(0.01)),
      variant('stabilize(sgd, [])', () => stabilize(tf.train.sgd(0.01), [])),
      variant('stabilize(sgd, [recorder])', () => stabilize(tf.train.sgd(0.01), [recorder])),
    ],
    { rounds: 9, stepsPerRound: 4 },
  );
  printStepTimes(`@gs/core step overhead [${backend}] ${depth}×${width} sigmoid MLP, batch 128`, timings);
}
process.exit(0);
