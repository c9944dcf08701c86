// diagnose() on broken held-out models (written with tfjs's defaults, never tuned on): the remedy
// ranked first for the model must, tried on a fresh copy for the same budget, train clearly better
// than the model as given (final loss ≤ 0.7 × its final loss).
import * as tf from '@tensorflow/tfjs';
import { optimizerByName } from '@gs/core';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { formatNumber } from '../detector.js';
import { diagnose } from '../diagnose.js';
import { HELD_OUT_BROKEN } from './held-out-models.js';
import { withSeededRandom } from './run-held-out-entry.js';

// One backend keeps these trials cheap (diagnose's logic does not depend on it; the held-out test covers every backend).
const backends = process.env.GS_BACKENDS ? await testBackends() : (await testBackends()).filter((name) => name !== 'webgpu').slice(-1);
const CASES: { id: string; first: string }[] = [
  { id: 'relu-randomnormal-0.05-deep', first: 'heInit' },
  { id: 'elu-biases-minus-5', first: 'heInit' },
];

describeBackends('diagnose() on broken held-out models', backends, () => {
  for (const { id, first } of CASES) {
    const entry = HELD_OUT_BROKEN.find((candidate) => candidate.id === id)!;
    it(`${id}: ${String(entry.verdict)}; the first remedy (${first}) trains`, async () => {
      await withSeededRandom(1, async () => {
        const model = await entry.build();
        const data = entry.data();
        const ys = data.ys as tf.Tensor;
        const optimizer = () => {
          const made = entry.optimizer();
          return typeof made === 'string' ? optimizerByName(made) : made;
        };
        const result = await diagnose(model, { xs: data.xs, ys }, { steps: 24, remedies: 1, loss: entry.loss as 'meanSquaredError', optimizer });
        const said = result.text;
        expect(result.verdict, said).toBe(entry.verdict);
        expect(result.summary.fixes[0]?.id, said).toBe(first);
        const tried = result.trials.find((trial) => trial.remedy?.id === first);
        expect(tried, said).toBeDefined();
        expect(tried!.lossAfter, `${said}\nbroken run ${formatNumber(result.baseline.lossAfter)}`).toBeLessThanOrEqual(0.7 * result.baseline.lossAfter);
        expect(tried!.trains, said).toBe(true);
        model.dispose();
        tf.dispose([data.xs, ys]);
      });
    });
  }
});
