// @gs/initializers installed alone (with @gs/core): a model built with heNormal() as
// kernelInitializer trains under model.fit, survives model.save → tf.loadLayersModel (the
// initializer class is registered), has the He standard deviation √(2 / fanIn), and
// initialize(model, 'he') re-initializes an existing model in place.
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { heNormal, initialize } from '@gs/initializers';
import { assert, fitAndCheck, maxDifference, regressionData, runInstallTest, saveAndLoad } from './check.mjs';

await runInstallTest(async () => {
  // He normal on a 1024 × 256 kernel: std √(2 / 1024) = 0.0442 (Keras he_normal / PyTorch kaiming_normal_).
  const big = heNormal({ seed: 3 }).apply([1024, 256]);
  const [std] = await tf.moments(big).variance.sqrt().data();
  big.dispose();
  assert(Math.abs(std - Math.sqrt(2 / 1024)) < 0.02 * Math.sqrt(2 / 1024), `He std ${std} ≈ ${Math.sqrt(2 / 1024)}`);

  const { xs, ys } = regressionData();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: heNormal({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: heNormal({ seed: 2 }) }));
  model.compile({ optimizer: stabilize(tf.train.adam(0.01), [], { model }), loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys);

  const loaded = await saveAndLoad(model);
  const kernelInitializer = loaded.layers[0].getConfig().kernelInitializer;
  assert(kernelInitializer?.className === heNormal().getClassName(), `loaded initializer is ${kernelInitializer?.className}`);
  const roundTrip = await maxDifference(model.predict(xs), loaded.predict(xs));
  assert(roundTrip === 0, `save/load keeps the weights bit-exact (max diff ${roundTrip})`);

  const before = model.layers[0].getWeights()[0].clone();
  initialize(model, 'he', { seed: 5 });
  const changed = await maxDifference(before, model.layers[0].getWeights()[0]);
  assert(changed > 0, 'initialize(model, "he") rewrote the kernel');
  return { loss, std, initializer: kernelInitializer.className };
});
