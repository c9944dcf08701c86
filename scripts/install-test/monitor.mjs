// @gs/monitor installed alone (with @gs/core): model.fit with monitor() inside stabilize();
// checks one record per step with one entry per layer, and that the first step's global gradient
// norm equals a hand-computed one.
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { monitor } from '@gs/monitor';
import { assert, fitAndCheck, globalGradientNorm, regressionData, runInstallTest, smallModel } from './check.mjs';

await runInstallTest(async () => {
  const { xs, ys } = regressionData();
  const model = smallModel();
  const expectedNorm = await globalGradientNorm(model, xs.slice(0, 16), ys.slice(0, 16));
  const watcher = monitor({ onEvent: () => {} });
  const optimizer = stabilize(tf.train.sgd(0.05), [watcher], { model });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys, { epochs: 6 });
  await optimizer.flush();
  const records = watcher.history.records;
  assert(records.length === 6 * 4, `a record per step (${records.length})`);
  assert(records.every((r) => r.layers.length === 2), 'one entry per layer with weights');
  const firstNorm = records[0].gradientNorm;
  assert(Math.abs(firstNorm - expectedNorm) <= 1e-4 * expectedNorm, `recorded norm ${firstNorm} == hand-computed ${expectedNorm}`);
  return { loss, records: records.length, firstNorm };
});
