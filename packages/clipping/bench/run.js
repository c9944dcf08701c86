// Step-time cost of clipping: a bare optimizer vs stabilize(optimizer, [clipByGlobalNorm(1)]) vs
// stabilize(optimizer, [adaptiveClip()]), on a 20-layer 256-wide sigmoid MLP (batch 128) on wasm
// and webgpu (cpu at a small size). Ratios are measured in one run, variants interleaved round by
// round. Run with `npm run bench -w @gs/clipping` after a build; GS_BACKENDS=wasm narrows it.
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, mlpStepVariants, printStepTimes } from '@gs/testing/bench';
import { stabilize } from '@gs/core';
import { adaptiveClip, clipByGlobalNorm } from '@gs/clipping';

const sizes = { cpu: { depth: 6, width: 64 }, wasm: { depth: 20, width: 256 }, webgpu: { depth: 20, width: 256 } };

for (const backend of await availableBackends()) {
  await setupBackend(backend);
  const { depth, width } = sizes[backend];
  const variant = mlpStepVariants({ depth, width });
  const timings = await compareStepTimes(
    [
      variant('bare sgd', () => tf.train.sgd(0.01)),
      variant('stabilize(sgd, [clipByGlobalNorm(1)])', () => stabilize(tf.train.sgd(0.01), [clipByGlobalNorm(1)])),
      variant('stabilize(sgd, [adaptiveClip()])', (model) => stabilize(tf.train.sgd(0.01), [adaptiveClip()], { model })),
    ],
    { rounds: 9, stepsPerRound: 4 },
  );
  printStepTimes(`@gs/clipping step cost [${backend}] ${depth}×${width} sigmoid MLP, batch 128`, timings);
}
process.exit(0);
