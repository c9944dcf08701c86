// diagnose() on broken corpus models: the remedy ranked first for the model must, tried on a fresh
// copy for the same 20-step budget, train clearly better than the broken run (final loss ≤ 0.7 × its
// final loss, or the broken run diverged to NaN/Inf).
import * as tf from '@tensorflow/tfjs';
import { describeBackends, testBackends } from '@gs/testing';
import { expect, it } from 'vitest';
import { formatNumber } from '../detector.js';
import { diagnose } from '../diagnose.js';
import { BROKEN } from './corpus-models.js';

// diagnose's trials run through createTrainer like the corpus runs, which covers every backend; one
// backend keeps these 5 × 2 trials cheap (all three pass: GS_BACKENDS=webgpu runs it there).
const backends = process.env.GS_BACKENDS ? await testBackends() : (await testBackends()).filter((name) => name !== 'webgpu').slice(-1);
const CASES: { id: string; first: string }[] = [
  { id: 'mlp-sigmoid-vanishing', first: 'reluHe' },
  { id: 'mlp-relu-normal-exploding', first: 'heInit' },
  { id: 'mlp-dead-relu', first: 'heInit' },
  { id: 'mlp-lr-too-high', first: 'lowerLearningRate' },
  { id: 'nan-update-adam-epsilon-0', first: 'raiseAdamEpsilon' },
];

describeBackends('diagnose() on broken corpus models', backends, () => {
  for (const { id, first } of CASES) {
    const entry = BROKEN.find((candidate) => candidate.id === id)!;
    it(`${id}: ${entry.verdict}; the first remedy (${first}) trains`, async () => {
      const model = entry.build();
      const data = entry.data();
      const before = tf.memory().numTensors;
      const result = await diagnose(model, data, { steps: 20, batchSize: 64, remedies: 1, loss: entry.loss, optimizer: entry.optimizer });
      expect(tf.memory().numTensors, 'tensors leaked by diagnose').toBe(before);
      const said = result.text;
      expect(result.verdict, said).toBe(entry.verdict);
      expect(result.summary.fixes[0]?.id, said).toBe(first);
      const tried = result.trials.find((trial) => trial.remedy?.id === first);
      expect(tried, said).toBeDefined();
      const broken = result.baseline.lossAfter;
      expect(Number.isFinite(tried!.lossAfter), said).toBe(true);
      if (Number.isFinite(broken)) expect(tried!.lossAfter, `${said}\nbroken run ${formatNumber(broken)}`).toBeLessThanOrEqual(0.7 * broken);
      expect(tried!.trains, said).toBe(true);
      expect(result.best, said).toBeDefined();
      model.dispose();
      tf.dispose([data.xs, data.ys]);
    });
  }
});
