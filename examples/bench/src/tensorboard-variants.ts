import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { monitor } from '@gs/monitor';
import { tensorBoardSink } from '@gs/monitor/node';
import type { OptimizerVariant } from './stack-variants.js';

/**
 * The monitor writing TensorBoard event files with per-layer histograms of gradients and weights,
 * reporting (and so measuring histograms) every 10 steps — issue 16's overhead row, next to
 * `monitor({every: 10}) alone` in the stack table. Node only (the sink writes files). The logs go
 * to a temporary directory that `cleanUp` removes.
 */
export function tensorBoardVariant(): { variant: OptimizerVariant; cleanUp(): void } {
  const logs = mkdtempSync(join(tmpdir(), 'gs-stack-bench-'));
  let runs = 0;
  return {
    variant: {
      name: 'monitor({every: 10}) + tensorBoardSink, histograms',
      create: (model) =>
        stabilize(tf.train.adam(1e-3), [monitor({ every: 10, onEvent: () => {}, sinks: [tensorBoardSink(join(logs, `run-${runs++}`))] })], { model, every: 10 }),
    },
    cleanUp: () => rmSync(logs, { recursive: true, force: true }),
  };
}
