// Trains one held-out entry the way its user would — `model.compile` with a stabilized optimizer
// and `model.fit` / `fitDataset`, or a custom loop with createTrainer — under `monitor({ probe })`
// with the default detectors, and returns what the monitor concluded. Test-only.
import * as tf from '@tensorflow/tfjs';
import { createTrainer, stabilize } from '@gs/core';
import { seededRandom } from '@gs/testing';
import type { DetectorEvent } from '../detector.js';
import { monitor } from '../monitor.js';
import { PROBE_SIZE, margins, type CorpusOutcome } from './run-corpus-entry.js';
import { type HeldOutEntry } from './held-out-models.js';

/**
 * Runs `body` with Math.random replaced by a seeded generator: tfjs's unseeded initializers,
 * dropout masks and fit's shuffling all draw from it, so a model built with the defaults trains
 * the same way every run.
 */
export async function withSeededRandom<T>(seed: number, body: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return await body();
  } finally {
    Math.random = original;
  }
}

/** `entry` trained once (seeded by `seed`) under the monitor: its summary, events, losses and margins. */
export async function runHeldOutEntry(entry: HeldOutEntry, seed = 1): Promise<CorpusOutcome> {
  return withSeededRandom(seed, async () => {
    const model = await entry.build();
    const data = entry.data();
    const targets = Array.isArray(data.ys) ? data.ys : [data.ys];
    const probe = data.xs.slice(0, Math.min(PROBE_SIZE, data.xs.shape[0]!));
    const events: DetectorEvent[] = [];
    const watcher = monitor({ probe, onEvent: (event) => events.push(event) });
    const bare = entry.optimizer();
    const training = entry.training;
    try {
      if (training.how === 'loop') {
        if (typeof bare === 'string') throw new Error(`${entry.id}: a loop needs an optimizer instance`);
        const trainer = createTrainer({ optimizer: bare, plugins: [watcher], model });
        try {
          for (let step = 0; step < training.steps; step++) {
            training.beforeStep?.(step, bare);
            await trainer.step(() => training.loss(targets[0]!, model.apply(data.xs, { training: true }) as tf.Tensor));
          }
        } finally {
          trainer.dispose();
        }
      } else {
        const optimizer = stabilize(bare, [watcher], { model });
        model.compile({ optimizer, loss: entry.loss as string });
        try {
          if (training.how === 'fit') {
            await model.fit(data.xs, data.ys, { epochs: training.epochs, batchSize: training.batchSize, verbose: 0 });
          } else {
            const rows = tf.data.array((await data.xs.array()) as number[][]);
            const labels = tf.data.array((await targets[0]!.array()) as number[][]);
            const dataset = tf.data.zip({ xs: rows, ys: labels }).batch(training.batchSize);
            await model.fitDataset(dataset, { epochs: training.epochs, verbose: 0 });
          }
        } finally {
          optimizer.dispose(); // and the wrapped optimizer
        }
      }
      return {
        summary: watcher.summary(),
        events,
        losses: watcher.history.losses.map((point) => point.loss),
        margins: margins(watcher),
      };
    } finally {
      model.dispose();
      tf.dispose([data.xs, ...targets, probe]);
    }
  });
}
