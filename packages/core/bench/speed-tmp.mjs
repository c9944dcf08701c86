import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { buildMlp } from '@gs/testing/bench';
await setupBackend('webgpu');
const flags = JSON.parse(process.argv[2] || '{}');
for (const [k, v] of Object.entries(flags)) tf.env().set(k, v);
const model = buildMlp({ inputSize: 784, depth: 20, width: 64, activation: 'sigmoid', outputUnits: 10, outputActivation: 'softmax' });
const xs = tf.randomNormal([64, 784]); const ys = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10).toFloat();
const opt = tf.train.sgd(0.1); const vars = model.trainableWeights.map((w) => w.val);
const step = () => opt.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs)), true, vars);
for (let i = 0; i < 3; i++) { const l = step(); await l.data(); l.dispose(); }
let t = performance.now();
for (let i = 0; i < 20; i++) { const l = step(); await l.data(); l.dispose(); }
console.log(JSON.stringify(flags), 'ms/step synced', ((performance.now() - t) / 20).toFixed(1));
process.exit(0);
