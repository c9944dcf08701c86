import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from '@gs/backends';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnoseCli } from './diagnose-cli.js';

const folder = mkdtempSync(join(tmpdir(), 'gs-monitor-cli-'));

beforeAll(async () => {
  await setupBackend('cpu');
  // A 10-layer sigmoid MLP saved the way tfjs saves (model.json + weights.bin), and its data.
  const model = tf.sequential();
  for (let i = 0; i < 10; i++) {
    model.add(tf.layers.dense({ units: 16, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotNormal({ seed: i }), ...(i === 0 ? { inputShape: [8] } : {}) }));
  }
  model.add(tf.layers.dense({ units: 1 }));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(folder, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const xs = Array.from({ length: 32 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j)));
  writeFileSync(join(folder, 'data.json'), JSON.stringify({ xs, ys: xs.map((row) => [Math.sin(3 * row[0]!)]) }));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { log: (line: string) => out.push(line), error: (line: string) => err.push(line) } };
}

it('gs-monitor diagnose model.json data.json prints the verdict and the ranked table, and writes JSON', async () => {
  const { out, err, output } = capture();
  const json = join(folder, 'result.json');
  const argv = ['node', 'gs-monitor', 'diagnose', join(folder, 'model.json'), join(folder, 'data.json')];
  const code = await diagnoseCli([...argv, '--steps', '4', '--remedies', '1', '--optimizer', 'sgd', '--learning-rate', '0.1', '--json', json], output);
  expect(code, err.join('\n')).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/^diagnose: vanishing at dense_\w+ — 4 steps of 32 rows per trial, SGD 0\.1/);
  expect(text).toContain("| 1 | replace sigmoid with ReLU and re-initialize with He | `initialize(await replaceActivation(model, 'sigmoid', 'relu'), 'he')` |");
  expect(err.join('\n')).toMatch(/diagnose: training the model as given for 4 steps/);
  const written = JSON.parse(readFileSync(json, 'utf8')) as { verdict: string; trials: unknown[] };
  expect(written.verdict).toBe('vanishing');
  expect(written.trials).toHaveLength(1);
});

it('bad arguments and missing files end with exit code 1 and one clear line', async () => {
  const { err, output } = capture();
  expect(await diagnoseCli(['node', 'gs-monitor', 'diagnose', 'a.json', 'b.json', '--steps', '0'], output)).toBe(1);
  expect(err.join('\n')).toMatch(/--steps must be a positive integer, got '0'/);
  const missing = capture();
  expect(await diagnoseCli(['node', 'gs-monitor', 'diagnose', join(folder, 'nope.json'), join(folder, 'data.json')], missing.output)).toBe(1);
  expect(missing.err.join('\n')).toMatch(/^gs-monitor: ENOENT: no such file or directory, open '.*nope\.json'$/);
});
