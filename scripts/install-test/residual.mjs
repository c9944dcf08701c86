// @gs/residual installed alone (with @gs/core): residualMlp with ReZero gates trains under
// model.fit; at initialization every ReZero gate is 0 so each block is the identity; and the
// model survives model.save → tf.loadLayersModel with identical predictions (gate class registered).
import * as tf from '@tensorflow/tfjs';
import { stabilize } from '@gs/core';
import { reZero, residualMlp } from '@gs/residual';
import { assert, fitAndCheck, maxDifference, regressionData, runInstallTest, saveAndLoad } from './check.mjs';

await runInstallTest(async () => {
  const { xs, ys } = regressionData();
  const model = residualMlp({ inputShape: [8], depth: 4, width: 16, gate: 'reZero', seed: 1 });
  const gateClass = reZero().getClassName();
  const gates = model.layers.filter((layer) => layer.getClassName() === gateClass);
  assert(gates.length === 4, `one ReZero gate per block (${gates.length})`);
  for (const gate of gates) {
    const [alpha] = await gate.getWeights()[0].data();
    assert(alpha === 0, `ReZero α starts at 0 (${alpha})`);
  }
  model.compile({ optimizer: stabilize(tf.train.adam(0.01), [], { model }), loss: 'meanSquaredError' });
  const loss = await fitAndCheck(model, xs, ys);
  const [alphaAfter] = await gates[0].getWeights()[0].data();
  assert(alphaAfter !== 0, 'ReZero α is trained');

  const loaded = await saveAndLoad(model);
  const roundTrip = await maxDifference(model.predict(xs), loaded.predict(xs));
  assert(roundTrip === 0, `save/load gives identical predictions (max diff ${roundTrip})`);
  return { loss, gates: gates.length, alphaAfter };
});
