// Full run of the MNIST comparison the tests do at CI size: a 100-layer plain sigmoid MLP versus
// 100-layer residual MLPs (ReZero, pre-norm, Fixup) on the `mnist` package digits.
// Build first (npx turbo run build --filter=@gs/residual...), then:
//   node packages/residual/examples/mnist.js [backend=wasm] [epochs=10]
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { residualMlp } from '@gs/residual';

const [backend = 'wasm', epochsArgument = '10'] = process.argv.slice(2);
await setupBackend(backend);
const mnist = createRequire(import.meta.url)('mnist');

function digits(perDigit, start) {
  const byDigit = mnist.slice(0, 10).map((digit) => digit.set(start, start + perDigit - 1));
  const samples = [];
  for (let i = 0; i < perDigit; i++) for (let d = 0; d < 10; d++) samples.push(byDigit[d][i]);
  return { xs: tf.tensor2d(samples.map((s) => s.input)), ys: tf.tensor2d(samples.map((s) => s.output)) };
}

const train = digits(500, 0);
const test = digits(100, 500);
const variants = {
  'plain sigmoid': { residual: false, activation: 'sigmoid' },
  'ReZero relu': { gate: 'reZero' },
  'pre-norm sigmoid': { activation: 'sigmoid', norm: 'layerNormalization' },
  'Fixup relu': { fixup: true },
};
for (const [name, options] of Object.entries(variants)) {
  const model = residualMlp({ inputShape: [784], depth: 50, width: 64, outputUnits: 10, outputActivation: 'softmax', seed: 1, ...options });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const started = performance.now();
  await model.fit(train.xs, train.ys, { epochs: Number(epochsArgument), batchSize: 64, verbose: 0 });
  const [, accuracy] = model.evaluate(test.xs, test.ys);
  console.log(`${name.padEnd(18)} held-out accuracy ${(await accuracy.data())[0].toFixed(3)}  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  model.dispose();
}
