// Step-time overhead of the monitor: the bare optimizer vs stabilize(opt, [monitor({every: 1})])
// vs monitor({every: 10}) (core still reads the loss every step) vs monitor({every: 10}) with
// stabilize's own every: 10 (nothing read between measurements), on a 20-layer 256-wide sigmoid
// MLP (batch 128), on wasm and webgpu. Ratios are to the bare optimizer, measured in one run.
// Then the TensorBoard sink (per-layer histograms of gradients and weights on every measured step,
// or every 100th step) against monitor({every: 10}) alone, all with stabilize's every: 10.
// Run with `npm run bench -w @gs/monitor` (after a build). GS_BACKENDS=wasm narrows the backends.
import * as tf from '@tensorflow/tfjs';
import { availableBackends, setupBackend } from '@gs/backends';
import { compareStepTimes, mlpStepVariants, printStepTimes } from '@gs/testing/bench';
import { stabilize } from '@gs/core';
import { monitor } from '@gs/monitor';
import { tensorBoardSink } from '@gs/monitor/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

  const logs = mkdtempSync(join(tmpdir(), 'gs-monitor-bench-'));
  const every10 = (model, options = {}) => stabilize(tf.train.sgd(0.01), [monitor({ every: 10, ...quiet, ...options })], { model, every: 10 });
  const sink = (name) => tensorBoardSink(join(logs, `${backend}-${name}`));
  const tensorBoard = await compareStepTimes(
    [
      variant('monitor({every: 10})', (model) => every10(model)),
      variant('+ tensorBoardSink (histograms every 10)', (model) => every10(model, { sinks: [sink('every-10')] })),
      variant('+ tensorBoardSink (histograms every 100)', (model) => every10(model, { sinks: [sink('every-100')], histograms: { every: 100 } })),
    ],
    // 10 steps per round: each round has exactly one measured step per variant.
    { rounds: 6, stepsPerRound: 10, warmupRounds: 1 },
  );
  printStepTimes(`tensorBoardSink overhead [${backend}], reporting every 10`, tensorBoard);
  rmSync(logs, { recursive: true, force: true });
}
process.exit(0);
