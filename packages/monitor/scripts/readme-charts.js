// Renders the README's chart screenshots from a real small run: a 20-layer sigmoid MLP with the
// default (Glorot) init next to the same net with ReLU + He init, 40 SGD steps (learning rate 0.005) each on the cpu
// backend, charts written as SVG to docs/ (then converted to PNG with rsvg-convert, if present).
// Run after a build: node scripts/readme-charts.js
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { setupBackend } from '@gs/backends';
import { createTrainer } from '@gs/core';
import { buildMlp, regressionData } from '@gs/testing/bench';
import { gradientHeatmapSpec, layerBarsSpec, lossCurveSpec, monitor, renderSvg } from '@gs/monitor';

await setupBackend('wasm');
const { xs, ys } = regressionData(128, 16);

async function run(activation, kernelInitializer) {
  const model = buildMlp({ inputSize: 16, depth: 20, width: 32, activation, ...(kernelInitializer ? { kernelInitializer } : {}) });
  const watcher = monitor({ every: 2, onEvent: () => {} });
  const trainer = createTrainer({ optimizer: tf.train.sgd(0.005), plugins: [watcher], model });
  const vars = model.trainableWeights.map((w) => w.val);
  for (let i = 0; i < 40; i++) await trainer.step(() => tf.losses.meanSquaredError(ys, model.apply(xs)), vars);
  trainer.dispose();
  model.dispose();
  return watcher;
}

const sigmoid = await run('sigmoid');
const relu = await run('relu', tf.initializers.heNormal({ seed: 1 }));
console.log('sigmoid / Glorot:\n' + sigmoid.summary().text + '\n\nReLU / He:\n' + relu.summary().text);

const charts = {
  'heatmap-sigmoid': gradientHeatmapSpec(sigmoid.history, { title: '20-layer sigmoid MLP, Glorot init: log10 gradient norm', height: 260 }),
  'heatmap-relu-he': gradientHeatmapSpec(relu.history, { title: '20-layer ReLU MLP, He init: log10 gradient norm', height: 260 }),
  'bars-sigmoid': layerBarsSpec(sigmoid.history, { title: 'sigmoid / Glorot: gradient norm per layer at the last step' }),
  'loss-sigmoid': lossCurveSpec(sigmoid.history, { title: 'sigmoid / Glorot: loss' }),
};
for (const [name, spec] of Object.entries(charts)) {
  const file = new URL(`../docs/${name}.svg`, import.meta.url).pathname;
  await writeFile(file, await renderSvg(spec));
  try {
    execFileSync('rsvg-convert', ['--zoom', '1.5', '-o', file.replace(/\.svg$/, '.png'), file]);
  } catch {
    console.warn(`rsvg-convert unavailable: ${name}.png not written`);
  }
}
process.exit(0);
