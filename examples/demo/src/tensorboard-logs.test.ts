import { setupBackend } from '@gs/backends';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SMALL_SIZE, demoConfigurations } from './configuration.js';
import { loadMnist } from './mnist-node.js';
import { runConfiguration } from './run-configuration.js';
import { TENSORBOARD_FOLDER, tensorBoardSinks } from './tensorboard-logs.js';

let report: string;
beforeAll(async () => {
  await setupBackend('cpu');
  report = mkdtempSync(join(tmpdir(), 'gs-demo-tensorboard-'));
});
afterAll(() => rmSync(report, { recursive: true, force: true }));

it('writes one TensorBoard run per configuration, replacing an earlier demo’s files for it', async () => {
  const configuration = { ...demoConfigurations(SMALL_SIZE).find((c) => c.id === 'relu-high-lr-clip')!, depth: 2, width: 8 };
  const data = loadMnist({ train: 64, test: 32 });
  const run = join(report, TENSORBOARD_FOLDER, configuration.id);
  const options = { steps: 4, batchSize: 16, every: 2, train: data.train, test: data.test };
  await runConfiguration(configuration, { ...options, sinks: tensorBoardSinks(report, configuration) });
  const [first] = readdirSync(run);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // the file name carries the second
  await runConfiguration(configuration, { ...options, sinks: tensorBoardSinks(report, configuration) });
  const files = readdirSync(run);
  expect(files).toHaveLength(1);
  expect(files[0]).not.toBe(first);
  const bytes = readFileSync(join(run, files[0]!));
  // The remedy's own record and the monitor's histograms are in the file (closed at the end of the run).
  for (const tag of ['loss', 'gradientNorm/global', 'clipByGlobalNorm/norm', 'gradients/', 'weights/']) expect(bytes.includes(tag)).toBe(true);
  expect(tensorBoardSinks(undefined, configuration)).toEqual([]);
});
