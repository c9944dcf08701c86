// @gs/clipping installed alone (with @gs/core): model.fit with clipByGlobalNorm inside
// stabilize(); checks the first step's recorded pre-clip norm against a hand-computed one, that
// the applied scale is min(1, max / (norm + eps)) (PyTorch clip_grad_norm_), and the pure helper.
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { clipByGlobalNorm, clipGradsByGlobalNorm } from '@gs/clipping';
import { assert, fitAndCheck, globalGradientNorm, regressionData, runInstallTest, smallModel } from './check.mjs';

await runInstallTest(async () => {
  const { xs, ys } = regressionData();
  const model = smallModel();
  const firstBatch = [xs.slice(0, 16), ys.slice(0, 16)];
  const expectedNorm = await globalGradientNorm(model, ...firstBatch);
  const reports = [];
  const listener = { name: 'listener', onReport: (report) => reports.push(report.values) };
  const max = 0.5;
  const optimizer = stabilize(tf.train.adam(0.01), [clipByGlobalNorm(max), listener], { model });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys, { epochs: 8 });
  await optimizer.flush();
  assert(reports.length === 8 * 4, `a report per step (${reports.length})`);
  const first = reports[0];
  const norm = first['clipByGlobalNorm/norm'];
  const scale = first['clipByGlobalNorm/scale'];
  assert(Math.abs(norm - expectedNorm) <= 1e-4 * expectedNorm, `recorded norm ${norm} == hand-computed ${expectedNorm}`);
  assert(Math.abs(scale - Math.min(1, max / (norm + 1e-6))) < 1e-5, `scale ${scale} == min(1, ${max} / (norm + eps))`);
  const clippedSteps = reports.filter((r) => r['clipByGlobalNorm/scale'] < 1).length;

  // Pure helper: g = [3, 4] has norm 5; clipped to 1 it becomes [0.6, 0.8] (up to eps).
  const { grads, norm: helperNorm } = clipGradsByGlobalNorm({ g: tf.tensor1d([3, 4]) }, 1);
  const clipped = await grads.g.data();
  const [helperNormValue] = await helperNorm.data();
  assert(Math.abs(helperNormValue - 5) < 1e-5, `globalNorm([3, 4]) = 5 (${helperNormValue})`);
  assert(Math.abs(clipped[0] - 0.6) < 1e-5 && Math.abs(clipped[1] - 0.8) < 1e-5, `clipped to [0.6, 0.8] (${[...clipped]})`);
  return { loss, firstNorm: norm, clippedSteps };
});
