// @gs/optim installed alone (with @gs/core): model.fit with warmup and gradient accumulation inside
// stabilize(); checks the recorded learning rates against the linear-warmup formula, that Adam
// updated once per 4 micro-batches, and that the saved optimizer config keeps the base rate.
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { accumulateGradients, warmup } from '@gs/optim';
import { assert, fitAndCheck, regressionData, runInstallTest, smallModel } from './check.mjs';

await runInstallTest(async () => {
  const { xs, ys } = regressionData();
  const model = smallModel();
  const rates = [];
  const listener = { name: 'listener', onReport: (report) => rates.push(report.values['warmup/learningRate']) };
  const base = 0.02;
  const optimizer = stabilize(tf.train.adam(base), [accumulateGradients({ steps: 2 }), warmup({ steps: 4 }), listener], { model });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys, { epochs: 8 });
  await optimizer.flush();
  // 8 epochs × 4 batches = 32 micro-steps = 16 updates; the schedule runs on update steps only.
  const updateRates = rates.filter((rate) => rate !== undefined);
  assert(optimizer.optimizer.iterations === 16, `16 updates (${optimizer.optimizer.iterations})`);
  assert(updateRates.length === 16, `a rate per update (${updateRates.length})`);
  updateRates.forEach((rate, t) => {
    const expected = base * Math.min(t, 4) / 4;
    assert(Math.abs(rate - expected) < 1e-7, `rate at update ${t}: ${rate} == ${expected}`);
  });
  assert(optimizer.getConfig().optimizer.config.learningRate === base, 'the saved config keeps the base rate');
  optimizer.dispose();
  return { loss, updates: updateRates.length };
});
