// @gs/normalization installed alone (with @gs/core): a model with rmsNormalization and
// groupNormalization layers trains under model.fit and survives model.save → tf.loadLayersModel
// with identical predictions (the layer classes are registered); RMSNorm output has unit RMS.
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { groupNormalization, rmsNormalization } from '@gs/normalization';
import { assert, fitAndCheck, maxDifference, regressionData, runInstallTest, saveAndLoad } from './check.mjs';

await runInstallTest(async () => {
  // RMSNorm (Zhang & Sennrich 2019), scale 1 at init: y = x / √(mean(x²) + ε) has mean(y²) ≈ 1.
  const x = tf.randomNormal([4, 32], 3, 2, 'float32', 7);
  const y = rmsNormalization().apply(x);
  const [meanSquare] = await tf.mean(tf.square(y)).data();
  assert(Math.abs(meanSquare - 1) < 1e-3, `RMS-normalized output has mean square 1 (${meanSquare})`);

  const { xs, ys } = regressionData();
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [8], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(rmsNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.dense({ units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  model.add(groupNormalization({ groups: 4 }));
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.compile({ optimizer: stabilize(tf.train.adam(0.01), [], { model }), loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys);

  const loaded = await saveAndLoad(model);
  const classes = loaded.layers.map((layer) => layer.getClassName());
  assert(classes.includes(rmsNormalization().getClassName()) && classes.includes(groupNormalization({ groups: 4 }).getClassName()), `loaded layers: ${classes}`);
  const roundTrip = await maxDifference(model.predict(xs), loaded.predict(xs));
  assert(roundTrip === 0, `save/load gives identical predictions (max diff ${roundTrip})`);
  return { loss, layers: classes.join(',') };
});
