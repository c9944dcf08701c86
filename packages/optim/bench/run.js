// Step-time cost of the @gs/optim plugins: a bare Adam vs stabilize(adam, [plugin, listener],
// { every: 10 }) (recording and one readback every 10th step), on a 20-layer 256-wide sigmoid MLP
// (batch 128) on wasm and webgpu (cpu at a small size), plus SGD with a cosine schedule (SGD caches
// its rate as a tensor that the schedule replaces when the rate changes). Ratios are to the bare
// optimizer, measured in one run with the variants interleaved round by round.
// Schedules do no extra math per step and should cost ≤ 1.02×; the others do the work they need.
// Timings on a shared machine are noisy, so each table also counts the kernels a step launches
// (averaged over 10 steps, reporting steps included) — a number that does not depend on load.
// Run with `npm run bench -w @gs/optim` after a build; GS_BACKENDS=wasm narrows the backends.
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, mlpStepVariants, printStepTimes } from '@gs/testing/bench';
import { stabilize } from '@gs/core';
import {
  accumulateGradients,
  centralizeGradients,
  cosineDecay,
  emaWeights,
  lookahead,
  skipLargeUpdates,
  trustRatio,
  warmup,
} from '@gs/optim';

/** Kernels launched per step, averaged over `steps` steps (tf.profile counts every kernel run). */
async function kernelsPerStep(variant, steps = 10) {
  let kernels = 0;
  for (let i = 0; i < steps; i++) {
    const info = await tf.profile(async () => {
      const loss = await variant.step();
      loss?.dispose();
    });
    kernels += info.kernels.length;
  }
  return kernels / steps;
}

/** Times the variants (interleaved) and prints ms/step, the ratio to the first, and kernels/step. */
async function measure(title, variants) {
  const kernels = [];
  for (const variant of variants) kernels.push(await kernelsPerStep(variant));
  const timings = await compareStepTimes(variants, { rounds: 6, stepsPerRound: 5, warmupRounds: 1 });
  printStepTimes(title, timings);
  const width = Math.max(...variants.map((v) => v.name.length));
  console.log('  kernels per step:');
  variants.forEach((variant, i) =>
    console.log(`  ${variant.name.padEnd(width)}  ${kernels[i].toFixed(1).padStart(8)}  (${(kernels[i] - kernels[0]).toFixed(1)} more than ${variants[0].name})`),
  );
}

const sizes = { cpu: { depth: 6, width: 64 }, wasm: { depth: 20, width: 256 }, webgpu: { depth: 20, width: 256 } };
const listener = () => ({ name: 'listener', onReport: () => {} });
const every = 10;

for (const backend of await availableBackends()) {
  await setupBackend(backend);
  const { depth, width } = sizes[backend];
  const variant = mlpStepVariants({ depth, width });
  const withPlugin = (name, makePlugin, makeOptimizer = () => tf.train.adam(1e-3)) =>
    variant(name, (model) => stabilize(makeOptimizer(), [makePlugin(), listener()], { model, every }));
  await measure(`@gs/optim step cost [${backend}] ${depth}×${width} sigmoid MLP, batch 128, reporting every ${every}`, [
    variant('bare adam', () => tf.train.adam(1e-3)),
    variant('stabilize(adam, [listener])', (model) => stabilize(tf.train.adam(1e-3), [listener()], { model, every })),
    withPlugin('warmup({steps: 1000})', () => warmup({ steps: 1000 })),
    withPlugin('cosineDecay({decaySteps: 1000})', () => cosineDecay({ decaySteps: 1000 })),
    withPlugin('accumulateGradients({steps: 4})', () => accumulateGradients({ steps: 4 })),
    withPlugin('emaWeights()', () => emaWeights()),
    withPlugin('centralizeGradients()', () => centralizeGradients()),
    withPlugin("trustRatio() ('updates', LAMB)", () => trustRatio()),
    withPlugin('skipLargeUpdates({maxNorm: 1e3})', () => skipLargeUpdates({ maxNorm: 1e3 })),
    withPlugin('lookahead()', () => lookahead()),
  ]);
  await measure(`@gs/optim step cost [${backend}] with SGD and momentum, reporting every ${every}`, [
    variant('bare sgd', () => tf.train.sgd(0.01)),
    withPlugin('cosineDecay({decaySteps: 1000}) on sgd', () => cosineDecay({ decaySteps: 1000 }), () => tf.train.sgd(0.01)),
    variant('bare momentum', () => tf.train.momentum(0.01, 0.9)),
    withPlugin("trustRatio() on momentum ('gradients', LARS)", () => trustRatio(), () => tf.train.momentum(0.01, 0.9)),
  ]);
}
process.exit(0);
