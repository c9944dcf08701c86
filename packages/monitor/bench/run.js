// Step-time overhead of the monitor: the bare optimizer vs stabilize(opt, [monitor({every: 1})])
// vs monitor({every: 10}) (core still reads the loss every step) vs monitor({every: 10}) with
// stabilize's own every: 10 (nothing read between measurements), on a 20-layer 256-wide sigmoid
// MLP (batch 128), on wasm and webgpu. Ratios are to the bare optimizer, measured in one run.
// Run with `npm run bench -w @gs/monitor` (after a build). GS_BACKENDS=wasm narrows the backends.
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, mlpStepVariants, printStepTimes } from '@gs/testing/bench';
import { stabilize } from '@gs/core';
import { monitor } from '@gs/monitor';

const depth = 20;
const width = 256;
const batch = 128;
const backends = (await availableBackends()).filter((backend) => backend !== 'cpu');

for (const backend of backends) {
  await setupBackend(backend);
  const variant = mlpStepVariants({ depth, width, batch });
  const quiet = { onEvent: () => {} };
  const timings = await compareStepTimes(
    [
      variant('bare sgd', () => tf.train.sgd(0.01)),
      variant('monitor({every: 1})', (model) => stabilize(tf.train.sgd(0.01), [monitor({ every: 1, ...quiet })], { model })),
      variant('monitor({every: 10})', (model) => stabilize(tf.train.sgd(0.01), [monitor({ every: 10, ...quiet })], { model })),
      variant('monitor({every: 10}), stabilize every 10', (model) =>
        stabilize(tf.train.sgd(0.01), [monitor({ every: 10, ...quiet })], { model, every: 10 }),
      ),
    ],
    { rounds: 4, stepsPerRound: 10, warmupRounds: 1 },
  );
  printStepTimes(`@gs/monitor overhead [${backend}] ${depth}×${width} sigmoid MLP, batch ${batch}`, timings);
}
process.exit(0);
